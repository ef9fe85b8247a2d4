import { EXIT, VptError } from './core/errors.js';
import { escapeOutside } from './core/text/escape-outside.js';
import { isJournalStream } from './core/journald/journal-stream.js';
import { withPriority } from './core/logger.js';

/**
 * How vpt ends, shared by the full CLI (src/cli.ts) and the health fast path (src/health-entry.ts):
 * errors become one `vpt: ...` line and an exit code, a closed stdout (`| head`) is not an error,
 * and a stray handle cannot keep a cron job alive.
 */

/** Prints a VptError's message (or an unexpected error's) as one line; returns the exit code. */
export function reportError(err: unknown, verbose: boolean): number {
  // Under systemd each line carries the error priority (<3>), so `journalctl -p err` shows it.
  const journal = isJournalStream(process.env, 2);
  const write = (text: string) => void process.stderr.write(journal ? withPriority('error', text) : text);
  if (err instanceof VptError) {
    write(`vpt: ${messageLines(err).map(escapeOutside).join('\n')}\n`);
    if (verbose && err.stack) write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`vpt: unexpected error: ${escapeOutside(message)}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return EXIT.unknown;
}

/** An error that lists one problem a line (a config error) keeps its lines; any other message is one line, escaped whole. */
function messageLines(err: VptError): readonly string[] {
  const lines = (err as { lines?: unknown }).lines;
  return Array.isArray(lines) && lines.every((l) => typeof l === 'string') ? (lines as string[]) : [err.message];
}

let watchingStdout = false;

/**
 * A reader of stdout that went away (`| head`) ends the process quietly with the exit code so far.
 * Called where process.stdout is first used (src/ui.ts), so a run that never writes to the stream
 * (`--help`, whose text goes out with fs.writeSync, or the health sample) never creates it: the
 * stream loads net, tty or the fs stream modules.
 */
export function quietOnClosedStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  });
}

/**
 * Runs a command body and ends the process with its exit code. The only place (with cli.ts's main)
 * that exits. `exitAtOnce` for a body whose output all went out with fs.writeSync (the health
 * entry): nothing is left to drain, so the process ends as soon as the body does, neither waiting
 * for the loop to empty (a probe stuck on a hung mount) nor tearing the heap down (~3 ms of a 30 s
 * sample).
 */
export async function runToExit(argv: string[], body: () => Promise<number>, { exitAtOnce = false } = {}): Promise<void> {
  let code: number = EXIT.ok;
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    code = await body();
  } catch (err) {
    code = reportError(err, verbose);
  }
  process.exitCode = code;
  if (exitAtOnce) process.exit(code);
  // Give stdout a chance to drain when piped; a stray handle must not keep a cron job alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

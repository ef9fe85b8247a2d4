import { EXIT, VptError } from './core/errors.js';

/**
 * How vpt ends, shared by the full CLI (src/cli.ts) and the health fast path (src/health-entry.ts):
 * errors become one `vpt: ...` line and an exit code, a closed stdout (`| head`) is not an error,
 * and a stray handle cannot keep a cron job alive.
 */

/** Prints a VptError's message (or an unexpected error's) as one line; returns the exit code. */
export function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof VptError) {
    process.stderr.write(`vpt: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vpt: unexpected error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.unknown;
}

/**
 * Runs a command body and ends the process with its exit code. The only place (with cli.ts's main)
 * that exits. `watchStdout: false` for a body that never touches process.stdout (the health entry
 * writes with fs.writeSync): creating the stream just to watch it loads net/tty or fs streams, and
 * the process ends as soon as the body does.
 */
export async function runToExit(argv: string[], body: () => Promise<number>, { watchStdout = true } = {}): Promise<void> {
  let code: number = EXIT.ok;
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  if (watchStdout) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(code);
    });
  }
  try {
    code = await body();
  } catch (err) {
    code = reportError(err, verbose);
  }
  process.exitCode = code;
  // A body that wrote with fs.writeSync has nothing left to drain: exit at once, neither waiting for
  // the loop to empty (a probe stuck on a hung mount) nor tearing the heap down (~3 ms of a 30 s sample).
  if (!watchStdout) process.exit(code);
  // Give stdout a chance to drain when piped; a stray handle must not keep a cron job alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

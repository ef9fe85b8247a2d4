import { Chalk, type ChalkInstance } from 'chalk';
import { createLogger, withPriority, type Logger, type LogLevel } from './core/logger.js';
import { isJournalStream } from './core/journald/journal-stream.js';
import { quietOnClosedStdout } from './exit.js';

/**
 * Terminal side of a command: where lines go, whether colour is on, the
 * logger wired to stderr. Core code never sees this; commands do.
 */
export interface Ui {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Colour functions; a no-op chalk (level 0) when colour is off. */
  color: ChalkInstance;
  colorEnabled: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** One line (or block) to stdout; a newline is added. */
  out(text: string): void;
  /** One line to stderr; a newline is added. `level`: its journal priority when stderr is the journal (default warn). */
  err(text: string, level?: LogLevel): void;
  logger: Logger;
}

export interface GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** commander's `--no-color` gives color: false. */
  color?: boolean;
}

export interface UiStreams {
  stdout: NodeJS.WriteStream | { write(chunk: string): boolean; isTTY?: boolean };
  stderr: NodeJS.WriteStream | { write(chunk: string): boolean; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** stderr is the systemd journal (default: JOURNAL_STREAM names fd 2, when stderr is process.stderr). */
  journal?: boolean;
}

/**
 * Colour rules: --no-color or NO_COLOR (any non-empty value) turn it off;
 * FORCE_COLOR turns it on (0/false turn it off); otherwise only on a TTY.
 */
export function colorLevel(flags: GlobalFlags, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (flags.color === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 2;
}

export function createUi(flags: GlobalFlags, streams: UiStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Ui {
  if (streams.stdout === process.stdout) quietOnClosedStdout();
  const stdoutIsTTY = streams.stdout.isTTY === true;
  const stderrIsTTY = streams.stderr.isTTY === true;
  const level = colorLevel(flags, streams.env, stdoutIsTTY);
  const quiet = flags.quiet === true;
  const verbose = flags.verbose === true && !quiet;
  const journal = streams.journal ?? (streams.stderr === process.stderr && isJournalStream(streams.env, 2));
  return {
    json: flags.json === true,
    quiet,
    verbose,
    color: new Chalk({ level }),
    colorEnabled: level > 0,
    stdoutIsTTY,
    stderrIsTTY,
    out: (text) => void streams.stdout.write(`${text}\n`),
    err: (text, level = 'warn') => void streams.stderr.write(journal ? withPriority(level, `${text}\n`) : `${text}\n`),
    logger: createLogger({
      level: quiet ? 'warn' : verbose ? 'debug' : 'info',
      write: (line) => void streams.stderr.write(line),
      journal,
    }),
  };
}

import { escapeOutside } from './text/escape-outside.js';

/**
 * A small logger for journald: plain lines on stderr (journald adds the time
 * and unit), or JSON lines when a machine reads them. Levels: error < warn <
 * info < debug; `quiet` keeps warn and error, `verbose` adds debug.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Whether a level would be written (skip building expensive messages). */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Write `{"ts","level","msg",...fields}` lines instead of plain text. */
  json?: boolean;
  /** Where lines go (default process.stderr). */
  write?: (line: string) => void;
  /** Clock for JSON timestamps (tests inject one). */
  now?: () => Date;
  /** Start each line with its sd-daemon priority (`<4>`): stderr is the journal (core/journald/journal-stream.ts). */
  journal?: boolean;
}

/** sd-daemon(3) priorities: what journald stores as PRIORITY= and `journalctl -p` filters on. */
export const JOURNAL_PRIORITY: Record<LogLevel, string> = { error: '<3>', warn: '<4>', info: '<6>', debug: '<7>' };

/** Text with each line prefixed by the level's priority, so a message of two lines keeps it on both. */
export function withPriority(level: LogLevel, text: string): string {
  return text.replace(/^(?=.)/gm, JOURNAL_PRIORITY[level]);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] > threshold) return;
    let line: string;
    if (options.json) {
      line = `${JSON.stringify({ ts: now().toISOString(), level, msg: message, ...fields })}\n`;
    } else {
      const prefix = level === 'error' ? 'error: ' : level === 'warn' ? 'warning: ' : '';
      // One message is one line: a device or file name carrying a newline, ESC or a bidi control
      // cannot forge a second journal line or repaint the terminal.
      line = `${prefix}${escapeOutside(message)}\n`;
    }
    write(options.journal ? withPriority(level, line) : line);
  };
  return {
    error: (m, f) => log('error', m, f),
    warn: (m, f) => log('warn', m, f),
    info: (m, f) => log('info', m, f),
    debug: (m, f) => log('debug', m, f),
    enabled: (level) => RANK[level] <= threshold,
  };
}

/** A logger that drops everything (library use, tests). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });

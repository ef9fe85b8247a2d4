import path from 'node:path';
import { EXIT, VptError } from '../errors.js';

/**
 * SQLite's refusals as typed errors: what the incident store throws, and
 * what the tracker holds changes on (incident-tracker.ts).
 */

/**
 * A write the database refused for a reason other than another process's
 * lock: disk full (SQLITE_FULL), read-only file or mount (SQLITE_READONLY*),
 * I/O error (SQLITE_IOERR*), damage found mid-run (SQLITE_CORRUPT). The
 * running monitor holds the change and retries (incident-tracker.ts); at
 * start it is fatal, with this message.
 */
export class IncidentStoreWriteError extends VptError {
  /** SQLite's extended code, e.g. SQLITE_FULL, SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE. */
  readonly code: string;
  constructor(file: string, code: string, cause: unknown) {
    super(`cannot write incident database ${file}: ${describeSqliteFailure(code, cause)} (${code})`, EXIT.critical, { cause });
    this.code = code;
  }
}

/** The database file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB): found at start, it stops the monitor with what to do. */
export class IncidentStoreCorruptError extends VptError {
  constructor(file: string, detail: string, cause: unknown) {
    super(
      `incident database ${file} is damaged (${detail}); start the monitor with --reset-incidents to move it aside (kept as ${path.basename(file)}.aside-<time>) and begin a new one`,
      EXIT.critical,
      { cause },
    );
  }
}

/** The database file cannot be written (chattr +i, a read-only file on a writable folder): refused at start. */
export class IncidentStoreReadOnlyError extends VptError {
  constructor(file: string, cause: unknown) {
    super(
      `incident database ${file} is read-only (file permissions or chattr +i); make it writable (chattr -i, chmod u+w) or choose another --state-dir`,
      EXIT.critical,
      { cause },
    );
  }
}

export const sqliteCode = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};
export const isCorrupt = (code: string | undefined): boolean => code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');

function describeSqliteFailure(code: string, cause: unknown): string {
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_READONLY')) return 'the database is read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'I/O error';
  if (isCorrupt(code)) return 'the database is damaged';
  return cause instanceof Error ? cause.message : String(cause);
}

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

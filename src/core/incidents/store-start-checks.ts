import type Database from 'better-sqlite3';
import { IncidentStoreCorruptError, IncidentStoreReadOnlyError, isBusy, sqliteCode } from './store-errors.js';

/**
 * A damaged file otherwise passes the open and fails at the first query that
 * reaches the bad page (`database disk image is malformed`, exit 3 with no
 * file named). quick_check reads every page: milliseconds for an incident
 * database.
 */
export function checkIntact(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check(1)', { simple: false }) as { quick_check: string }[];
  const verdict = rows[0]?.quick_check ?? 'no answer';
  // Multi-line ("*** in database main ***\nTree 3 page 3: ..."): one line for the log.
  if (verdict !== 'ok') throw new IncidentStoreCorruptError(file, verdict.replace('*** in database main ***', '').replace(/\s+/g, ' ').trim(), undefined);
}

/**
 * SQLite opens a file it may not write (chattr +i, mode 0444) read-only
 * without a word, and even BEGIN IMMEDIATE succeeds: only a page write
 * fails. Rewrite user_version to its own value and roll back.
 */
export function probeWritable(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  try {
    db.exec('BEGIN IMMEDIATE');
    db.pragma(`user_version = ${version}`);
  } catch (err) {
    if (sqliteCode(err)?.startsWith('SQLITE_READONLY')) throw new IncidentStoreReadOnlyError(file, err);
    // Locked by another process: writability cannot be known now; the first real write reports the lock.
    if (!isBusy(err)) throw err;
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

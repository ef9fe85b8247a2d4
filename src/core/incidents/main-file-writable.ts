import { accessSync, constants } from 'node:fs';
import { errnoCode } from '../errors.js';
import { IncidentStoreWriteError } from './store-errors.js';

/** What access(2) says when the file may not be written: mode (EACCES), chattr +i (EPERM), a read-only mount (EROFS). */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * In WAL mode a commit only appends to `incidents.db-wal`: a main file made
 * read-only mid-run (chattr +i, chmod 0444, a remount) showed only at the
 * next checkpoint, perhaps hours later, while every change looked written.
 * Asked before each change, the change is held and said at once, like a
 * full disk. access(2), not open(2): closing a second descriptor of a SQLite
 * file would drop SQLite's own POSIX locks on it. One syscall (~2 us) per
 * incident change. `:memory:` (a replay without --state-dir) has no file.
 */
export function assertMainFileWritable(file: string): void {
  if (file === ':memory:') return;
  try {
    accessSync(file, constants.W_OK);
  } catch (err) {
    const code = errnoCode(err);
    if (code !== undefined && NOT_WRITABLE.has(code)) throw new IncidentStoreWriteError(file, 'SQLITE_READONLY', err);
    // Gone (moved aside) or another trouble: SQLite's own write reports it with its code.
  }
}

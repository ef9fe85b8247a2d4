import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { compactTime } from '../units.js';
import { INCIDENTS_DB_FILE } from './incident-store.js';

/** SQLite's companions of a WAL database: they hold committed data and must travel with it. */
const COMPANIONS = ['-wal', '-shm'] as const;

/**
 * `--reset-incidents`: move `<stateDir>/incidents.db` (and its -wal/-shm)
 * aside as `incidents.db.aside-<local time>` so the monitor starts a new
 * database. Never deletes: the old file can still be read or repaired.
 * Returns the new name, or undefined when there was no database. Call with
 * the instance lock held (no other monitor has the file open).
 */
export async function moveIncidentDbAside(stateDir: string, now: Date = new Date()): Promise<string | undefined> {
  const file = path.join(stateDir, INCIDENTS_DB_FILE);
  if (!(await fs.lstat(file).catch(() => undefined))) return undefined;
  let aside = `${file}.aside-${compactTime(now)}`;
  // Two resets within a second: never clobber the first one's file.
  for (
    let n = 1;
    await fs.lstat(aside).then(
      () => true,
      () => false,
    );
    n++
  )
    aside = `${file}.aside-${compactTime(now)}-${n}`;
  for (const suffix of COMPANIONS) {
    try {
      await fs.rename(`${file}${suffix}`, `${aside}${suffix}`);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  await fs.rename(file, aside);
  return aside;
}

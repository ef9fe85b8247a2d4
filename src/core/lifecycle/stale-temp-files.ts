import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { isPidAlive } from '../process/pid-alive.js';

/** atomic-write.ts's temp names: `.<target>.tmp-<pid>-<8 hex>`; the pid says whose it is. */
const WRITER_TEMP = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * At start: remove the atomic-write temp files that processes now gone left
 * in `dir` (a replay or monitor killed mid-write leaves
 * `.capture_N.json.tmp-<pid>-*`, some empty, that nothing else removes).
 * Only regular files (lstat), never a live process's (its write may be in
 * flight) nor our own pid's. The folder is read as a stream: a metadata
 * folder holds a day of frames. Returns how many were removed.
 */
export async function removeDeadWritersTempFiles(dir: string, isAlive: (pid: number) => boolean = isPidAlive): Promise<number> {
  let handle: import('node:fs').Dir;
  try {
    handle = await fs.opendir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return 0;
    throw err;
  }
  let removed = 0;
  for await (const entry of handle) {
    const match = WRITER_TEMP.exec(entry.name);
    if (!match || !entry.isFile()) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await fs.rm(path.join(dir, entry.name), { force: true });
    removed++;
  }
  return removed;
}

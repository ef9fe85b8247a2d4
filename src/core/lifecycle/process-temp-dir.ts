import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive } from '../process/pid-alive.js';

/**
 * `vpt-<pid>`: the per-process temp folder of versions before the audio was
 * heard continuously (merged zap audio lived there). The monitor creates
 * none now; it removes the ones whose process is gone.
 */
const PROCESS_DIR = /^vpt-(\d+)$/;

/**
 * At start: remove the `vpt-<pid>` folders of processes that are gone. Only
 * real folders (lstat: never follow a symlink out of tmp), and, unless we
 * are root, only our own.
 */
export async function removeDeadProcessTempDirs(tmpRoot = os.tmpdir(), isAlive: (pid: number) => boolean = isPidAlive): Promise<string[]> {
  const removed: string[] = [];
  const names = await fs.readdir(tmpRoot).catch(() => [] as string[]);
  const uid = process.getuid?.();
  for (const name of names) {
    const match = PROCESS_DIR.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(tmpRoot, name);
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    if (uid !== undefined && uid !== 0 && stat.uid !== uid) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

import { rmSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive } from '../process/pid-alive.js';

/** `vpt-<pid>`: the pid says whose it is, so leftovers of dead processes can be recognised. */
const PROCESS_DIR = /^vpt-(\d+)$/;

/** `$TMPDIR/vpt-<pid>/` (os.tmpdir() honours TMPDIR; /tmp otherwise). */
export function processTempDirPath(pid = process.pid, tmpRoot = os.tmpdir()): string {
  return path.join(tmpRoot, `vpt-${pid}`);
}

/**
 * Create this process's temp folder (0700: merged audio and concat lists are
 * nobody else's business). A leftover of an earlier process that had our pid
 * is emptied first.
 */
export async function createProcessTempDir(tmpRoot = os.tmpdir()): Promise<string> {
  const dir = processTempDirPath(process.pid, tmpRoot);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { mode: 0o700 });
  return dir;
}

/** Synchronous, for SIGINT/SIGTERM/exit handlers; never throws. */
export function removeProcessTempDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Exit path: nothing useful to do; the next start removes it as a dead pid's folder.
  }
}

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

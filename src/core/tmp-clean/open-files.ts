import { readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, VptError, errnoCode } from '../errors.js';
import { statLockKey } from './proc-locks.js';

/**
 * Which candidates some process holds open, from one scan of
 * <procRoot>/<pid>/fd per run (systemd-tmpfiles does the same). Each fd link
 * is stat'ed, which follows it to the inode whatever path or mount namespace
 * it was opened through, so hard links and bind mounts are seen too. Only
 * candidate keys are kept: the result is bounded by the run's candidate
 * limit, not by the number of open files on the host.
 *
 * Limits, stated plainly: a file opened after the scan is not seen (the
 * lock table, re-read before each removal, covers writers that lock); a
 * non-root user cannot read other users' fd folders, so only root sees every
 * holder; pipes, sockets and anonymous inodes are skipped without a stat.
 */
export async function openAmong(procRoot: string, candidates: ReadonlySet<string>, selfPid: number = process.pid): Promise<Set<string>> {
  const held = new Set<string>();
  if (candidates.size === 0) return held;
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name) && Number(name) !== selfPid);
  } catch (err) {
    throw new VptError(
      `cannot list ${procRoot} (${errnoCode(err) ?? String(err)}): without it files in use cannot be recognised, so nothing was removed; is /proc mounted?`,
      EXIT.unknown,
    );
  }
  for (const pid of pids) {
    const fdDir = path.join(procRoot, pid, 'fd');
    let fds: string[];
    try {
      fds = await readdir(fdDir);
    } catch {
      continue; // the process exited, or belongs to another user and we are not root
    }
    for (const fd of fds) {
      const link = path.join(fdDir, fd);
      try {
        if (!(await readlink(link)).startsWith('/')) continue; // socket:[..], pipe:[..], anon_inode:..
        const st = await stat(link, { bigint: true });
        const key = statLockKey(st.dev, st.ino);
        if (candidates.has(key)) held.add(key);
      } catch {
        continue; // closed, or the process exited, between readdir and stat
      }
    }
  }
  return held;
}

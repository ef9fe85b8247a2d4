import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A folder pinned by an open descriptor, so names are resolved inside the
 * folder that was checked even if someone renames it or swaps a path
 * component for a symlink meanwhile. Node has no openat/unlinkat; Linux's
 * /proc/self/fd/<fd>/<name> gives the same semantics: the lookup of <name>
 * starts from the open directory. Without procfs the base falls back to the
 * folder's real path (checked once at open), which is only as safe as the
 * path's parents are trusted.
 */
export interface DirHandle {
  /** Prefix to join a bare name to for every lstat/open/unlink/rmdir. */
  readonly base: string | Buffer;
  readonly fd: number;
  readonly dev: bigint;
  readonly ino: bigint;
  close(): void;
}

const SELF_FD = '/proc/self/fd';

/** O_NONBLOCK: a name swapped for a FIFO must not hang the open. */
export const OPEN_DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Open `dirPath` (a bare-name join under a parent base, or a real path) as a
 * directory without following a final symlink. Throws ENOTDIR/ELOOP/ENOENT
 * from open(2) for the caller to classify.
 */
export function openDirHandle(dirPath: string | Buffer): DirHandle {
  const fd = openSync(dirPath, OPEN_DIR_FLAGS);
  try {
    const st = fstatSync(fd, { bigint: true });
    const viaProc = path.join(SELF_FD, String(fd));
    let base: string | Buffer = dirPath;
    try {
      const through = statSync(viaProc, { bigint: true });
      if (through.dev === st.dev && through.ino === st.ino) base = viaProc;
    } catch {
      // no procfs: keep the path
    }
    return { base, fd, dev: st.dev, ino: st.ino, close: () => closeSync(fd) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

import { closeSync, constants, fstatSync, lstatSync, openSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { errnoCode } from '../errors.js';
import { OPEN_DIR_FLAGS } from './dir-handle.js';
import { entryPath as joinEntry } from './entry-name.js';
import type { NameMatch } from './patterns.js';
import { statLockKey } from './proc-locks.js';
import type { CleanError, Skip } from './types.js';

/**
 * The checks that need only the entry itself, in the order systemd-tmpfiles
 * makes them: lstat (never follow), type, owner, age, then open with
 * O_NOFOLLOW and fstat to be sure the inode judged is the one under the
 * name. Whether a process holds it open or locked is decided later, for all
 * candidates at once.
 */

/** O_NONBLOCK: a name swapped for a FIFO must not hang the open. O_NOCTTY: nor adopt a terminal. */
const OPEN_FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export interface Candidate {
  /** The entry's name as bytes (it need not be UTF-8). */
  name: Buffer;
  /** Where the entry lives, for the operator: <real --dir>/<name>. */
  path: string;
  kind: 'file' | 'folder';
  dev: bigint;
  ino: bigint;
  /** statLockKey(dev, ino): matches /proc/locks and the open-file scan. */
  key: string;
  /** st_size for a file; a folder is measured when it is removed. */
  bytes: number;
}

export interface InspectContext {
  /** DirHandle.base of --dir. */
  base: string | Buffer;
  /** The real --dir path, for reported paths. */
  dir: string;
  olderThanMs: number;
  nowMs: number;
  /** Effective uid; 0 (root) may remove anyone's files. */
  uid: number;
  isPidAlive: (pid: number) => boolean;
}

export type Inspection = { candidate: Candidate } | { skip: Skip } | { error: CleanError };

export function fileError(where: string, err: unknown): CleanError {
  const code = errnoCode(err) ?? 'EUNKNOWN';
  // Node's own message names the /proc/self/fd path used internally; the errno text is what helps.
  const errno = (err as { errno?: unknown } | undefined)?.errno;
  const known = typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined;
  const message = known ?? (err instanceof Error ? err.message : String(err));
  return { path: where, code, message };
}

/** `name` as bytes for the syscalls; `text` (nameText) for what is reported. */
export function inspectEntry(name: Buffer, text: string, match: NameMatch, ctx: InspectContext): Inspection {
  const where = path.join(ctx.dir, text);
  const skip = (reason: Skip['reason']): Inspection => ({ skip: { path: where, reason } });
  const entryPath = joinEntry(ctx.base, name);
  let st: BigIntStats;
  try {
    st = lstatSync(entryPath, { bigint: true });
  } catch (err) {
    return errnoCode(err) === 'ENOENT' ? skip('vanished') : { error: fileError(where, err) };
  }
  if (st.isSymbolicLink()) return skip('symlink');
  const folder = match.kind === 'pid-folder';
  if (folder ? !st.isDirectory() : !st.isFile()) return skip(folder ? 'not-directory' : 'not-regular-file');
  if (ctx.uid !== 0 && Number(st.uid) !== ctx.uid) return skip('other-user');
  // ctime cannot be set back by a user, so a file touched into looking old still counts as new.
  const newestMs = Number((st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) / 1_000_000n);
  if (ctx.nowMs - newestMs < ctx.olderThanMs) return skip('young');
  if (match.kind === 'pid-folder' && ctx.isPidAlive(match.pid)) return skip('pid-alive');

  let fd: number;
  try {
    fd = openSync(entryPath, folder ? OPEN_DIR_FLAGS : OPEN_FILE_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return skip('vanished');
    if (code === 'ELOOP' || code === 'ENOTDIR') return skip('changed'); // swapped for a symlink or a file
    return { error: fileError(where, err) };
  }
  try {
    const opened = fstatSync(fd, { bigint: true });
    const same = opened.dev === st.dev && opened.ino === st.ino && (folder ? opened.isDirectory() : opened.isFile());
    if (!same) return skip('changed');
    return {
      candidate: {
        name,
        path: where,
        kind: folder ? 'folder' : 'file',
        dev: st.dev,
        ino: st.ino,
        key: statLockKey(st.dev, st.ino),
        bytes: folder ? 0 : Number(opened.size),
      },
    };
  } finally {
    closeSync(fd);
  }
}

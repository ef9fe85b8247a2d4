import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { openDirHandle } from './dir-handle.js';
import { entryNames, entryPath } from './entry-name.js';

/**
 * Remove (or, for a dry run, measure) a `vpt-<pid>` folder without ever
 * following a symlink: every level is opened with O_NOFOLLOW and its
 * entries are resolved through that open descriptor, so a sub-folder
 * swapped for a symlink mid-walk is refused at open, not descended into.
 * Symlinks inside are unlinked as links; their targets are never touched.
 * Only the folder itself is checked against the open-file scan and the lock
 * table: its files belonged to a process that is gone, and a stranger
 * holding one open inside another process's private temp folder is not a
 * case worth a second /proc scan per file.
 */

/** Deepest nesting walked. The monitor writes one flat folder; anything deeper is not ours to guess at. */
export const MAX_TREE_DEPTH = 16;

/** The folder under the name is not the one that was checked. */
export class TreeChangedError extends Error {}

/** Nesting beyond MAX_TREE_DEPTH. */
export class TreeTooDeepError extends Error {
  readonly code = 'ETOODEEP';
}

export interface Identity {
  dev: bigint;
  ino: bigint;
}

/**
 * Walk `<parentBase>/<name>`, which must still be the folder `expected`;
 * with `remove`, unlink its contents bottom-up and rmdir it. Returns the
 * apparent bytes of the regular files found. ENOENT inside is someone else
 * removing the same leftovers: ignored.
 */
export function walkTree(parentBase: string | Buffer, name: Buffer, expected: Identity, remove: boolean, depth = 0): number {
  if (depth >= MAX_TREE_DEPTH) throw new TreeTooDeepError(`nested deeper than ${MAX_TREE_DEPTH} folders`);
  let handle;
  try {
    handle = openDirHandle(entryPath(parentBase, name));
  } catch (err) {
    if (errnoCode(err) === 'ELOOP' || errnoCode(err) === 'ENOTDIR') throw new TreeChangedError('replaced during the run');
    throw err;
  }
  let bytes = 0;
  try {
    if (handle.dev !== expected.dev || handle.ino !== expected.ino) throw new TreeChangedError('replaced during the run');
    // Names as bytes: a name that is not UTF-8 is removed like any other (it made rmdir fail with ENOTEMPTY).
    for (const entry of entryNames(handle.base)) bytes += walkEntry(handle.base, entry, remove, depth);
  } finally {
    handle.close();
  }
  if (remove) {
    try {
      rmdirSync(entryPath(parentBase, name));
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  return bytes;
}

function walkEntry(base: string | Buffer, name: Buffer, remove: boolean, depth: number): number {
  const where = entryPath(base, name);
  let st;
  try {
    st = lstatSync(where, { bigint: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
  if (st.isDirectory()) return walkTree(base, name, st, remove, depth + 1);
  if (remove) {
    try {
      unlinkSync(where); // a symlink is unlinked itself, never its target
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      return 0;
    }
  }
  return st.isFile() ? Number(st.size) : 0;
}

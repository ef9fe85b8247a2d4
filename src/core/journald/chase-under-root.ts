import path from 'node:path';
import { errnoCode } from '../errors.js';
import { lstat, readlink } from '../fs/fs-async.js';

/** Links followed while resolving one path (the kernel's own limit, MAXSYMLINKS); past it the path is missing, as ELOOP. */
const MAX_LINK_HOPS = 40;
/** A drop-in linked here is masked, whatever the image's own /dev holds (systemd's rule). */
export const MASK_TARGET = '/dev/null';

/**
 * `file`, a path under `root`, with each symlink in it resolved the way
 * systemd reads an image with --root (chase with a prefixed root): an
 * absolute target is taken under the root (an image's `/etc/...` names the
 * image, not this host), `..` stops at the root, so the result never leaves
 * it. A last link to /dev/null gives MASK_TARGET. undefined: too many links.
 * With root `/` nothing changes: the live system's links are its own.
 */
export async function chaseUnderRoot(root: string, file: string): Promise<string | undefined> {
  if (path.resolve(root) === '/') return file;
  const base = path.resolve(root);
  const pending = path
    .relative(base, path.resolve(file))
    .split(path.sep)
    .filter((p) => p !== '' && p !== '.');
  let current = base;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      current = current === base ? base : path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return path.join(next, ...pending);
      throw err;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++hops > MAX_LINK_HOPS) return undefined;
    const target = await readlink(next);
    if (target === MASK_TARGET && pending.length === 0) return MASK_TARGET;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
    if (path.isAbsolute(target)) current = base;
  }
  return current;
}

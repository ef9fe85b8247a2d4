import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import { escapeOutside } from '../text/escape-outside.js';

/** Links followed while resolving one path (the kernel's own limit, MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

/**
 * `rel` resolved under `root` one component at a time, never leaving it: each
 * existing component is lstat'ed, a symlink is read and followed only when its
 * target stays inside the root (an image's absolute `/etc/...` link names the
 * host, so it is refused), and the first missing component ends the walk (the
 * rest is created by the caller, inside what was resolved). The result has no
 * symlink in its existing part, so writing there cannot land outside `root`.
 * With root `/` every target is inside: the live system's links are followed.
 */
export async function resolveInRoot(root: string, rel: string): Promise<string> {
  const realRoot = await fs.realpath(root);
  const pending = rel.split('/').filter((p) => p !== '' && p !== '.');
  let current = realRoot;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      current = current === realRoot ? realRoot : path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let isLink: boolean;
    try {
      isLink = (await fs.lstat(next)).isSymbolicLink();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return path.join(next, ...pending);
      throw err;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++hops > MAX_LINK_HOPS) throw new UsageError(`--root: ${escapeOutside(next)}: too many levels of symbolic links`);
    const target = await fs.readlink(next);
    const resolved = path.resolve(current, target);
    if (!isInside(realRoot, resolved)) {
      throw new UsageError(
        `--root: ${escapeOutside(next)} is a symlink to ${escapeOutside(target)}, outside --root; refusing to follow it ` +
          '(make it a folder, or a relative link that stays inside the root)',
      );
    }
    // Walk the target again from the root: its own components may be links too.
    pending.unshift(
      ...path
        .relative(realRoot, resolved)
        .split(path.sep)
        .filter((p) => p !== ''),
    );
    current = realRoot;
  }
  return current;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

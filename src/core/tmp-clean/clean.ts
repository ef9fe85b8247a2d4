import { lstatSync, opendirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import { isPidAlive } from '../pid-alive.js';
import { printable } from '../units.js';
import { openDirHandle, type DirHandle } from './dir-handle.js';
import { fileError, inspectEntry, type Candidate, type InspectContext } from './inspect-entry.js';
import { openAmong } from './open-files.js';
import { createNameMatcher } from './patterns.js';
import { lockedAmong } from './proc-locks.js';
import { TreeChangedError, TreeTooDeepError, walkTree } from './remove-tree.js';
import type { CleanResult } from './types.js';

/**
 * `vpt tmp-clean` without the terminal: find leftover temp files in one
 * folder (not recursive) and remove those nobody uses, safely in the way
 * systemd-tmpfiles is. Returns what it did; throws UsageError only for a
 * bad --dir or --pattern, before anything is touched.
 */

/**
 * Matching entries judged per run. It bounds every list and set of the run
 * (candidates, skips, the open-file and lock sets); a folder with more
 * leftovers is finished by the next run.
 */
export const MAX_MATCHES_PER_RUN = 10_000;

export interface CleanOptions {
  dir: string;
  /** Added to the default patterns. */
  patterns?: readonly string[];
  olderThanMs: number;
  dryRun?: boolean;
  /** Root of procfs for the open-file scan and the lock table (tests pass a fake tree). */
  procRoot?: string;
  now?: () => number;
  /** Effective uid (default process.geteuid()). */
  uid?: number;
  isPidAlive?: (pid: number) => boolean;
  maxMatches?: number;
  /**
   * Test seam: called after every check and before the final re-check and
   * removal of each candidate, so a test can swap the file deterministically.
   */
  beforeRemove?: (candidate: Readonly<Candidate>) => void | Promise<void>;
}

export async function cleanTmp(options: CleanOptions): Promise<CleanResult> {
  const matcher = createNameMatcher(options.patterns);
  const dir = resolveDir(options.dir);
  const procRoot = options.procRoot ?? '/proc';
  const maxMatches = options.maxMatches ?? MAX_MATCHES_PER_RUN;
  const dryRun = options.dryRun === true;
  const result: CleanResult = { dir, dryRun, removed: [], totalBytes: 0, skipped: [], errors: [], truncated: false };

  const handle = openDirHandle(dir);
  try {
    const ctx: InspectContext = {
      base: handle.base,
      dir,
      olderThanMs: options.olderThanMs,
      nowMs: (options.now ?? Date.now)(),
      uid: options.uid ?? process.geteuid?.() ?? 0,
      isPidAlive: options.isPidAlive ?? isPidAlive,
    };
    const candidates: Candidate[] = [];
    let matches = 0;
    const entries = opendirSync(handle.base);
    try {
      for (let entry = entries.readSync(); entry !== null; entry = entries.readSync()) {
        const match = matcher.match(entry.name);
        if (!match) continue;
        if (matches++ >= maxMatches) {
          result.truncated = true;
          break;
        }
        const seen = inspectEntry(entry.name, match, ctx);
        if ('candidate' in seen) candidates.push(seen.candidate);
        else if ('skip' in seen) result.skipped.push(seen.skip);
        else result.errors.push(seen.error);
      }
    } finally {
      entries.closeSync();
    }

    const keys = new Set(candidates.map((c) => c.key));
    const held = await openAmong(procRoot, keys);
    const locked = await lockedAmong(procRoot, keys);
    for (const candidate of candidates) {
      const skip = (reason: CleanResult['skipped'][number]['reason']) => result.skipped.push({ path: candidate.path, reason });
      if (locked.has(candidate.key)) skip('locked');
      else if (held.has(candidate.key)) skip('in-use');
      else await removeCandidate(candidate, handle, procRoot, dryRun, options.beforeRemove, result);
    }
  } finally {
    handle.close();
  }
  result.totalBytes = result.removed.reduce((sum, r) => sum + r.bytes, 0);
  // readdir order is the filesystem's; reports and tests want a stable one.
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const list of [result.removed, result.skipped, result.errors]) list.sort(byPath);
  return result;
}

/** realpath once, so every reported path and every removal is inside this one folder. */
function resolveDir(dir: string): string {
  const shown = printable(dir);
  try {
    const real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new UsageError(`--dir: "${shown}" is not a folder; give the folder to clean`);
    return real;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = errnoCode(err);
    if (code === 'ENOENT') throw new UsageError(`--dir: "${shown}" does not exist; give an existing folder (default /tmp)`);
    if (code === 'ENOTDIR') throw new UsageError(`--dir: "${shown}" is not a folder; give the folder to clean`);
    if (code === 'EACCES') throw new UsageError(`--dir: "${shown}" is not accessible (permission denied); run as its owner or with sudo`);
    throw new UsageError(`--dir: "${shown}" cannot be used (${code ?? String(err)})`);
  }
}

/**
 * The last checks right before removal. The lock table is read again (the
 * narrowest window Node allows without flock), then the name is lstat'ed
 * again and must still be the inode that passed every check. What remains is
 * the gap between that lstat and unlink(2): a swap there can only make us
 * unlink the swapped-in entry itself, a name inside --dir; unlink never
 * follows a symlink, so nothing outside --dir can be touched.
 */
async function removeCandidate(
  candidate: Candidate,
  handle: DirHandle,
  procRoot: string,
  dryRun: boolean,
  beforeRemove: CleanOptions['beforeRemove'],
  result: CleanResult,
): Promise<void> {
  const skip = (reason: CleanResult['skipped'][number]['reason']) => void result.skipped.push({ path: candidate.path, reason });
  await beforeRemove?.(candidate);
  if ((await lockedAmong(procRoot, new Set([candidate.key]))).size > 0) return skip('locked');
  const entryPath = path.join(handle.base, candidate.name);
  try {
    const now = lstatSync(entryPath, { bigint: true });
    const sameType = candidate.kind === 'folder' ? now.isDirectory() : now.isFile();
    if (now.dev !== candidate.dev || now.ino !== candidate.ino || !sameType) return skip('changed');
    let bytes = candidate.bytes;
    if (candidate.kind === 'folder') bytes = walkTree(handle.base, candidate.name, candidate, !dryRun);
    else if (!dryRun) unlinkSync(entryPath);
    result.removed.push({ path: candidate.path, bytes, kind: candidate.kind });
  } catch (err) {
    if (err instanceof TreeChangedError) return skip('changed');
    if (err instanceof TreeTooDeepError) {
      result.errors.push({ path: candidate.path, code: err.code, message: err.message });
      return;
    }
    if (errnoCode(err) === 'ENOENT') return skip('vanished');
    result.errors.push(fileError(candidate.path, err));
  }
}

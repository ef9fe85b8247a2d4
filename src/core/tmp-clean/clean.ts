import { lstatSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { UsageError, errnoCode } from '../errors.js';
import { isPidAlive } from '../process/pid-alive.js';
import { escapeOutside } from '../text/escape-outside.js';
import { openDirHandle, type DirHandle } from './dir-handle.js';
import { entryNames, entryPath, nameText } from './entry-name.js';
import { fileError, inspectEntry, type Candidate, type InspectContext } from './inspect-entry.js';
import { openAmong } from './open-files.js';
import { createNameMatcher } from './patterns.js';
import { lockedAmong } from './proc-locks.js';
import { TreeChangedError, TreeTooDeepError, walkTree } from './remove-tree.js';
import type { CleanResult, Skip } from './types.js';

/**
 * `vpt tmp-clean` without the terminal: find leftover temp files in one
 * folder (not recursive) and remove those nobody uses, safely in the way
 * systemd-tmpfiles is. Returns what it did; throws UsageError only for a
 * bad --dir or --pattern, before anything is touched.
 */

/**
 * Removal candidates per run: entries that passed every check on the entry
 * itself. It bounds the costly work (the /proc scans, the removals) and the
 * candidate, open-file and lock sets; a folder with more leftovers is finished
 * by the next run. Skipped entries (young, symlinks, others' files) do not
 * count: any local user can make 10,000 of them, and when they counted, old
 * files were never reached, run after run. A skip costs one lstat and a counter.
 */
export const MAX_CANDIDATES_PER_RUN = 10_000;
/** Skipped entries listed by path (--json, --verbose); beyond this they are only counted by reason. */
export const MAX_SKIPS_LISTED = 1_000;

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
  maxCandidates?: number;
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
  const maxCandidates = options.maxCandidates ?? MAX_CANDIDATES_PER_RUN;
  const dryRun = options.dryRun === true;
  const result: CleanResult = { dir, dryRun, removed: [], totalBytes: 0, skipped: [], skippedByReason: {}, errors: [], truncated: false };
  const skip = (s: Skip): void => {
    result.skippedByReason[s.reason] = (result.skippedByReason[s.reason] ?? 0) + 1;
    if (result.skipped.length < MAX_SKIPS_LISTED) result.skipped.push(s);
  };

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
    // Errors count like candidates: both are bounded work and bounded lists.
    let judged = 0;
    for (const name of entryNames(handle.base)) {
      const text = nameText(name);
      const match = matcher.match(text);
      if (!match) continue;
      if (judged >= maxCandidates) {
        result.truncated = true;
        break;
      }
      const seen = inspectEntry(name, text, match, ctx);
      if ('skip' in seen) {
        skip(seen.skip);
        continue;
      }
      judged++;
      if ('candidate' in seen) candidates.push(seen.candidate);
      else result.errors.push(seen.error);
    }

    const keys = new Set(candidates.map((c) => c.key));
    const held = await openAmong(procRoot, keys);
    const locked = await lockedAmong(procRoot, keys);
    for (const candidate of candidates) {
      if (locked.has(candidate.key)) skip({ path: candidate.path, reason: 'locked' });
      else if (held.has(candidate.key)) skip({ path: candidate.path, reason: 'in-use' });
      else await removeCandidate(candidate, handle, procRoot, dryRun, options.beforeRemove, result, skip);
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
  const shown = escapeOutside(dir);
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
  onSkip: (s: Skip) => void,
): Promise<void> {
  const skip = (reason: Skip['reason']): void => onSkip({ path: candidate.path, reason });
  await beforeRemove?.(candidate);
  if ((await lockedAmong(procRoot, new Set([candidate.key]))).size > 0) return skip('locked');
  const where = entryPath(handle.base, candidate.name);
  try {
    const now = lstatSync(where, { bigint: true });
    const sameType = candidate.kind === 'folder' ? now.isDirectory() : now.isFile();
    if (now.dev !== candidate.dev || now.ino !== candidate.ino || !sameType) return skip('changed');
    let bytes = candidate.bytes;
    if (candidate.kind === 'folder') bytes = walkTree(handle.base, candidate.name, candidate, !dryRun);
    else if (!dryRun) unlinkSync(where);
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

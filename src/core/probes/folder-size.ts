import { lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { formatSize } from '../units.js';
import { monotonicMs } from './monotonic.js';

/** Disk usage of a folder tree, like `du -sx`, with bounds so a huge tree cannot stall a sample. */
export interface FolderSize {
  /** Allocated bytes (st_blocks * 512, what du counts). */
  bytes: number;
  files: number;
  /** false when a bound stopped the walk: `bytes` is then a lower bound. */
  complete: boolean;
  /** Entries that could not be read (permission denied, vanished). */
  skipped: number;
  /** Entries looked at: where the walk stopped when it is not complete. */
  entries: number;
}

/**
 * A walked size as a person reads it: `12M`, or `>= 444M, walk stopped at 5000 entries` when a
 * bound cut the walk (a bare figure would read as the size; `444M+` was missed, issue 24).
 */
export function describeWalkedSize(size: Pick<FolderSize, 'bytes' | 'complete' | 'entries'>): string {
  return size.complete ? formatSize(size.bytes) : `>= ${formatSize(size.bytes)}, walk stopped at ${size.entries} entries`;
}

export interface FolderSizeLimits {
  /** Stop after this many entries. */
  maxEntries: number;
  /** Stop after this much wall time. */
  maxMs: number;
}

/** Defaults for a report; the 30 s health sample passes tighter ones. */
export const FOLDER_SIZE_LIMITS: FolderSizeLimits = { maxEntries: 50_000, maxMs: 1_500 };

/**
 * Synchronous on purpose: a health sample walks a few dozen entries, and the
 * promise API's thread-pool round trips cost more CPU than the lstat calls.
 * The entry and time bounds keep a huge tree from blocking for long.
 *
 * Walk without following symlinks and without crossing into other
 * filesystems (du -x), breadth first. A missing root is size 0; an
 * unreadable root throws (the caller reports "permission denied").
 */
export async function folderSize(root: string, limits: FolderSizeLimits = FOLDER_SIZE_LIMITS): Promise<FolderSize> {
  const deadline = monotonicMs() + limits.maxMs;
  let rootInfo: Stats;
  try {
    rootInfo = lstatSync(root);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { bytes: 0, files: 0, complete: true, skipped: 0, entries: 0 };
    throw err;
  }
  const result: FolderSize = { bytes: rootInfo.blocks * 512, files: 0, complete: true, skipped: 0, entries: 0 };
  if (!rootInfo.isDirectory()) return { ...result, files: 1 };
  readdirSync(root); // an unreadable root is an error, not an empty folder
  const pending = [root];
  let entries = 0;
  while (pending.length > 0) {
    if (entries >= limits.maxEntries || monotonicMs() > deadline) {
      result.complete = false;
      break;
    }
    const dir = pending.shift()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      result.skipped++;
      continue;
    }
    const batch = names.slice(0, Math.max(0, limits.maxEntries - entries));
    if (batch.length < names.length) result.complete = false;
    entries += batch.length;
    result.entries = entries;
    const infos = batch.map((name) => {
      try {
        return lstatSync(path.join(dir, name));
      } catch {
        return undefined;
      }
    });
    infos.forEach((info, i) => {
      if (!info) {
        result.skipped++;
        return;
      }
      if (info.dev !== rootInfo.dev) return;
      result.bytes += info.blocks * 512;
      if (info.isDirectory()) pending.push(path.join(dir, batch[i]!));
      else result.files++;
    });
  }
  return result;
}

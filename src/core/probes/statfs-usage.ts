import { statfs } from '../fs/fs-async.js';
import { TIMED_OUT, withDeadline } from './deadline.js';

/** Usage of one filesystem, counted the way df counts it. */
export interface FsUsage {
  sizeBytes: number;
  usedBytes: number;
  /** Free for unprivileged users (df's "Avail"). */
  availableBytes: number;
  /** df's Use%: used / (used + avail), rounded up. */
  usedPercent: number;
}

/**
 * statfs on a dead network mount never returns: never wait longer than this. A live statfs takes
 * microseconds, but a Pi with every core busy can leave it queued behind the thread pool for
 * seconds (1 s lost the report's disk section under 2 CPU hogs per core).
 */
export const STATFS_TIMEOUT_MS = 5_000;

export interface StatfsNumbers {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

export function usageFromStatfs(s: StatfsNumbers): FsUsage {
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const availableBytes = s.bavail * s.bsize;
  const denominator = usedBytes + availableBytes;
  return {
    sizeBytes: s.blocks * s.bsize,
    usedBytes,
    availableBytes,
    usedPercent: denominator === 0 ? 0 : Math.ceil((usedBytes * 100) / denominator),
  };
}

export async function fsUsage(target: string, timeoutMs = STATFS_TIMEOUT_MS): Promise<FsUsage> {
  const result = await withDeadline(statfs(target), timeoutMs);
  if (result === TIMED_OUT) throw new Error(`statfs ${target} timed out after ${timeoutMs} ms`);
  return usageFromStatfs(result);
}

import { statfs } from 'node:fs/promises';

/** Usage of one filesystem, counted the way df counts it. */
export interface FsUsage {
  sizeBytes: number;
  usedBytes: number;
  /** Free for unprivileged users (df's "Avail"). */
  availableBytes: number;
  /** df's Use%: used / (used + avail), rounded up. */
  usedPercent: number;
}

/** statfs on a dead network mount never returns: never wait longer than this. */
export const STATFS_TIMEOUT_MS = 1_000;

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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`statfs ${target} timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return usageFromStatfs(await Promise.race([statfs(target), timeout]));
  } finally {
    clearTimeout(timer);
  }
}

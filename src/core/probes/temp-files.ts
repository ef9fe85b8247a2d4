import { statSync } from 'node:fs';
import { lstat, readdir } from '../fs/fs-async.js';
import path from 'node:path';
import { folderSize, FOLDER_SIZE_LIMITS, type FolderSize, type FolderSizeLimits } from './folder-size.js';
import { fsUsage } from './statfs-usage.js';
import { available, type Probe } from './types.js';

/** Temp files the old audio checks left behind (the same patterns `vpt tmp-clean` removes). */
export const LEFTOVER_PATTERNS: readonly RegExp[] = [/_audio_check\.ts$/, /_concat_list\.txt$/];
/** Younger files may still be in use by a running check (tmp-clean's default --older-than). */
export const LEFTOVER_MIN_AGE_MS = 10 * 60_000;
/** The report names a few examples, not thousands. */
export const MAX_LEFTOVER_EXAMPLES = 5;

export interface TempFilesInfo {
  dir: string;
  /** From statfs when the folder is its own filesystem (a tmpfs /tmp), else from a bounded walk (files undefined then). */
  size: FolderSize;
  sizeSource: 'statfs' | 'walk';
  leftovers: { count: number; bytes: number; examples: string[] };
}

export function isLeftover(name: string): boolean {
  return LEFTOVER_PATTERNS.some((pattern) => pattern.test(name));
}

export async function findLeftovers(dir: string, nowMs: number): Promise<TempFilesInfo['leftovers']> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter(isLeftover);
  const infos = await Promise.all(names.map((name) => lstat(path.join(dir, name)).catch(() => undefined)));
  const leftovers = { count: 0, bytes: 0, examples: [] as string[] };
  infos.forEach((info, i) => {
    if (!info?.isFile()) return;
    // Age is the newest of mtime and ctime, like tmp-clean: atime lies under noatime.
    if (nowMs - Math.max(info.mtimeMs, info.ctimeMs) < LEFTOVER_MIN_AGE_MS) return;
    leftovers.count++;
    leftovers.bytes += info.size;
    if (leftovers.examples.length < MAX_LEFTOVER_EXAMPLES) leftovers.examples.push(names[i]!);
  });
  return leftovers;
}

/** Whether `dir` is the root of its own filesystem (Debian 13 and Raspberry Pi OS mount /tmp as a tmpfs). */
function isOwnFilesystem(dir: string): boolean {
  try {
    return statSync(dir).dev !== statSync(path.join(dir, '..')).dev;
  } catch {
    return false;
  }
}

/**
 * How much the temp folder holds. Its own filesystem: one statfs gives the answer, whatever it
 * holds (a walk of a busy /tmp costs a 30 s sample more than everything else together). Otherwise
 * a walk under `limits`, like du.
 */
async function tempSize(dir: string, limits: FolderSizeLimits): Promise<Pick<TempFilesInfo, 'size' | 'sizeSource'>> {
  if (isOwnFilesystem(dir)) {
    const usage = await fsUsage(dir);
    return { size: { bytes: usage.usedBytes, files: 0, complete: true, skipped: 0, entries: 0 }, sizeSource: 'statfs' };
  }
  return { size: await folderSize(dir, limits), sizeSource: 'walk' };
}

export function tempFilesProbe(limits: FolderSizeLimits = FOLDER_SIZE_LIMITS): Probe<TempFilesInfo> {
  return {
    name: 'temp-files',
    async sample(ctx) {
      const [size, leftovers] = await Promise.all([tempSize(ctx.tmpDir, limits), findLeftovers(ctx.tmpDir, ctx.now().getTime())]);
      return available({ dir: ctx.tmpDir, ...size, leftovers });
    },
  };
}

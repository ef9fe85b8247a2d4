import path from 'node:path';
import { folderSize, type FolderSizeLimits } from './folder-size.js';

/**
 * Cache folders whose growth the health sample follows (the seed's sampler watched the farm's
 * `__pycache__`): a Python service that compiles generated modules, or a code folder deployed
 * over and over, grows its cache without bound, slowly, on an SD card.
 */

interface CacheDirSize {
  path: string;
  bytes: number;
  /** false when the walk hit its bounds: `bytes` is then a lower bound. */
  complete: boolean;
}

/** Never more cache folders than this in one sample, whatever a glob matches. */
const MAX_CACHE_DIRS = 32;
/** A glob never descends further than this below its fixed part. */
const GLOB_MAX_DEPTH = 6;
/** Growth between two samples above this raises an alert (a .pyc is a few KB to a few hundred). */
export const CACHE_GROWTH_ALERT_BYTES = 1024 * 1024;
/** The cache folder of a Python code folder. */
const PYTHON_CACHE_DIR = '__pycache__';

const GLOB_CHARS = /[*?[\]{}!]/;

/** The folders --cache-dirs names: plain paths as given, globs expanded (fast-glob, loaded only for a glob). */
export async function expandCacheDirs(patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (found.size >= MAX_CACHE_DIRS) break;
    if (!GLOB_CHARS.test(pattern)) {
      found.add(pattern);
      continue;
    }
    const { default: fg } = await import('fast-glob');
    const matches = await fg(pattern, { onlyDirectories: true, absolute: true, followSymbolicLinks: false, deep: GLOB_MAX_DEPTH, suppressErrors: true });
    for (const match of matches.sort()) {
      if (found.size >= MAX_CACHE_DIRS) break;
      found.add(match);
    }
  }
  return [...found];
}

/** The default: `__pycache__` of every folder holding a tracked process's script. */
export function defaultCacheDirs(codeDirs: readonly (string | undefined)[]): string[] {
  const dirs = new Set<string>();
  for (const dir of codeDirs) if (dir !== undefined && dirs.size < MAX_CACHE_DIRS) dirs.add(path.join(dir, PYTHON_CACHE_DIR));
  return [...dirs].sort();
}

/** Sizes of the folders that exist; a missing folder is left out (nothing compiled there yet). */
export async function sizeCacheDirs(dirs: readonly string[], limits: FolderSizeLimits): Promise<CacheDirSize[]> {
  const sizes: CacheDirSize[] = [];
  for (const dir of dirs.slice(0, MAX_CACHE_DIRS)) {
    const size = await folderSize(dir, limits).catch(() => undefined);
    if (size && (size.files > 0 || size.bytes > 0)) sizes.push({ path: dir, bytes: size.bytes, complete: size.complete });
  }
  return sizes;
}

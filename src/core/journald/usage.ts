import type { Dir, Stats } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { lstat, opendir, stat } from '../fs/fs-async.js';
import { formatSize } from '../units.js';

/**
 * The size of a journal folder (/run/log/journal or /var/log/journal): the one measure both
 * `vpt journald-limits` and `vpt investigate` (report and health sample) use; they disagreed
 * (4K against 0B, issue 24) when each had its own. It counts what journald counts against
 * RuntimeMaxUse and SystemMaxUse: the allocated blocks of the files, not of the folders (an empty
 * journal is 0, not the 4K of its folder). Never follows symlinks inside the folder, and is
 * bounded so a folder gone wrong cannot make the check slow or memory-hungry. Through fs's
 * callback API (fs-async.ts): the health sample runs it every 30 s.
 */

/** A journal holds tens of files per machine id; far beyond that, stop and say the figure is partial. */
export const MAX_USAGE_ENTRIES = 100_000;
/** journal/<machine-id>/<files>: anything deeper is not journald's. */
export const MAX_USAGE_DEPTH = 4;

export interface DirUsage {
  path: string;
  exists: boolean;
  /** Allocated bytes of the files (st_blocks * 512); undefined when the folder is missing. */
  bytes?: number;
  /** Sum of file sizes (ls -l); differs from bytes for sparse or partly written files. */
  apparentBytes?: number;
  files: number;
  /** The walk stopped at MAX_USAGE_ENTRIES or MAX_USAGE_DEPTH: the figures are a lower bound. */
  truncated: boolean;
  /** Entries that vanished or could not be read mid-walk (journald rotates files). */
  skipped: number;
}

export interface UsageLimits {
  maxEntries?: number;
  maxDepth?: number;
}

export async function measureDirUsage(dir: string, limits: UsageLimits = {}): Promise<DirUsage> {
  const maxEntries = limits.maxEntries ?? MAX_USAGE_ENTRIES;
  const maxDepth = limits.maxDepth ?? MAX_USAGE_DEPTH;
  const usage: DirUsage = { path: dir, exists: false, files: 0, truncated: false, skipped: 0 };
  try {
    // The top folder may be a link (journal moved to another disk), as `du /var/log/journal` follows it.
    if (!(await stat(dir)).isDirectory()) return usage;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return usage;
    throw err;
  }
  usage.exists = true;
  usage.bytes = 0;
  usage.apparentBytes = 0;
  let entries = 0;
  // Depth-first with an explicit stack; its size is bounded by the entry budget.
  const stack: Array<{ dir: string; depth: number }> = [{ dir, depth: 0 }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let handle: Dir;
    try {
      handle = await opendir(current.dir);
    } catch {
      usage.skipped++;
      continue;
    }
    for await (const entry of handle) {
      if (entries >= maxEntries) {
        usage.truncated = true;
        break;
      }
      entries++;
      const full = path.join(current.dir, entry.name);
      let st: Stats;
      try {
        st = await lstat(full);
      } catch {
        usage.skipped++;
        continue;
      }
      if (st.isDirectory()) {
        if (current.depth + 1 < maxDepth) stack.push({ dir: full, depth: current.depth + 1 });
        else usage.truncated = true;
      } else if (st.isFile()) {
        usage.files++;
        usage.bytes += st.blocks * 512;
        usage.apparentBytes += st.size;
      }
    }
    if (usage.truncated && entries >= maxEntries) break;
  }
  return usage;
}

/** `45M in /run/log/journal (3 files)`, with what cut the figure; `none (... does not exist)`. */
export function describeDirUsage(u: DirUsage): string {
  if (!u.exists || u.bytes === undefined) return `none (${u.path} does not exist)`;
  const partial = u.truncated ? ', partial: too many entries' : '';
  const skipped = u.skipped > 0 ? `, ${u.skipped} unreadable` : '';
  return `${u.truncated ? '>= ' : ''}${formatSize(u.bytes)} in ${u.path} (${u.files} file${u.files === 1 ? '' : 's'}${partial}${skipped})`;
}

import { promises as fs, type Dir, type Stats } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/**
 * du-like size of a journal folder (/run/log/journal or /var/log/journal):
 * allocated blocks, never following symlinks inside it, and bounded so a
 * folder gone wrong cannot make the check slow or memory-hungry.
 */

/** A journal holds tens of files per machine id; far beyond that, stop and say the figure is partial. */
export const MAX_USAGE_ENTRIES = 100_000;
/** journal/<machine-id>/<files>: anything deeper is not journald's. */
export const MAX_USAGE_DEPTH = 4;

export interface DirUsage {
  path: string;
  exists: boolean;
  /** Allocated bytes (st_blocks * 512), as du reports; undefined when the folder is missing. */
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
    if (!(await fs.stat(dir)).isDirectory()) return usage;
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
      handle = await fs.opendir(current.dir);
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
        st = await fs.lstat(full);
      } catch {
        usage.skipped++;
        continue;
      }
      usage.bytes += st.blocks * 512;
      if (st.isDirectory()) {
        if (current.depth + 1 < maxDepth) stack.push({ dir: full, depth: current.depth + 1 });
        else usage.truncated = true;
      } else if (st.isFile()) {
        usage.files++;
        usage.apparentBytes += st.size;
      }
    }
    if (usage.truncated && entries >= maxEntries) break;
  }
  return usage;
}

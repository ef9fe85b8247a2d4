import { promises as fs } from 'node:fs';
import { parseCaptureName } from './capture-files.js';

/**
 * Directory entries read per batch while listing a captures folder. The listing streams (opendir),
 * so a folder of 200,000 old frames costs this many entries in memory at a time, not an array of
 * every name: readdir held ~200,000 strings and their sorted numbers at every rescan, and the
 * monitor's start peaked at 155 MB (69 MB with 1,000 frames; docs/monitor-service.md "Faults").
 */
const LISTING_BATCH = 1024;
/**
 * Frames a rescan hands on at most: the newest ones. As many as the watcher remembers (frame-dedupe's
 * RECENT_SEQUENCES_CAP): anything older would be stale by the time it was claimed.
 */
export const MAX_RESCAN_FINDS = 1024;

export interface CaptureListing {
  /** The highest sequence in the folder, undefined when it holds no frame. */
  newest: number | undefined;
  /** Sequences that `wanted` accepted, the newest MAX_RESCAN_FINDS of them, ascending. */
  found: number[];
}

/** One pass over the folder's names, keeping only what the watcher needs. A folder that cannot be read lists as empty. */
export async function listCaptures(dir: string, wanted: (sequence: number) => boolean): Promise<CaptureListing> {
  let newest: number | undefined;
  let found: number[] = [];
  try {
    const folder = await fs.opendir(dir, { bufferSize: LISTING_BATCH });
    for await (const entry of folder) {
      const sequence = parseCaptureName(entry.name);
      if (sequence === undefined) continue;
      if (newest === undefined || sequence > newest) newest = sequence;
      if (!wanted(sequence)) continue;
      found.push(sequence);
      if (found.length >= 2 * MAX_RESCAN_FINDS) found = newestOf(found);
    }
  } catch {
    return { newest: undefined, found: [] };
  }
  return { newest, found: newestOf(found).reverse() };
}

/** The newest MAX_RESCAN_FINDS, newest first. */
function newestOf(sequences: number[]): number[] {
  return sequences.sort((a, b) => b - a).slice(0, MAX_RESCAN_FINDS);
}

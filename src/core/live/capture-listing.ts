import { promises as fs } from 'node:fs';
import { parseFrameSequence } from '../layout/frame-names.js';

/**
 * Directory entries read per batch while listing a captures folder. The listing streams (opendir),
 * so a folder of 200,000 old frames costs this many entries in memory at a time, not an array of
 * every name: readdir held ~200,000 strings and their sorted numbers at every rescan, and the
 * monitor's start peaked at 155 MB (69 MB with 1,000 frames; docs/monitor-service.md "Faults").
 */
const LISTING_BATCH = 1024;

export interface CaptureListing {
  /** The highest sequence in the folder, undefined when it holds no frame. */
  newest: number | undefined;
  /**
   * Sequences that `wanted` accepted, ascending: numbers only (8 bytes each), and only the frames not yet
   * handed out. Every one is handed on, so the queue counts those it drops: frames never analysed are
   * counted, not lost from the figures.
   */
  found: number[];
}

/** One pass over the folder's names, keeping only what the watcher needs. A folder that cannot be read lists as empty. */
export async function listCaptures(dir: string, wanted: (sequence: number) => boolean): Promise<CaptureListing> {
  let newest: number | undefined;
  const found: number[] = [];
  try {
    const folder = await fs.opendir(dir, { bufferSize: LISTING_BATCH });
    for await (const entry of folder) {
      const sequence = parseFrameSequence(entry.name);
      if (sequence === undefined) continue;
      if (newest === undefined || sequence > newest) newest = sequence;
      if (!wanted(sequence)) continue;
      found.push(sequence);
    }
  } catch {
    return { newest: undefined, found: [] };
  }
  return { newest, found: found.sort((a, b) => a - b) };
}

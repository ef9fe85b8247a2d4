import { constants, promises as fs } from 'node:fs';
import { errnoCode } from '../errors.js';

/**
 * Largest segment the level stream reads: a 1 s segment of a 720p capture
 * is 100-400 KB, a VNC device's 4 s one a few MB. Anything bigger is not a
 * segment of this farm (or a file that never ends) and is skipped.
 */
export const MAX_SEGMENT_BYTES = 32 * 1024 * 1024;

export type SegmentRead = { bytes: Buffer } | { missing: true } | { refused: string };

/**
 * One segment's bytes, read from ONE descriptor opened non-blocking (a FIFO
 * in the segments folder cannot block the device), checked to be a regular
 * file of at most MAX_SEGMENT_BYTES before anything is read.
 */
export async function readSegmentBytes(file: string): Promise<SegmentRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { missing: true };
    return { refused: err instanceof Error ? err.message : String(err) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { refused: `${file} is not a regular file` };
    if (stat.size > MAX_SEGMENT_BYTES) return { refused: `${file} is ${stat.size} bytes, over the ${MAX_SEGMENT_BYTES}-byte limit of a segment` };
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: filled === bytes.length ? bytes : bytes.subarray(0, filled) };
  } finally {
    await handle.close();
  }
}

import { closeSync, constants, fstatSync, openSync, promises as fs, readSync, type Stats } from 'node:fs';
import { errnoCode } from '../errors.js';

/**
 * Largest segment the level stream reads: a 1 s segment of a 720p capture
 * is 100-400 KB, a VNC device's 4 s one a few MB. Anything bigger is not a
 * segment of this farm (or a file that never ends) and is skipped.
 */
export const MAX_SEGMENT_BYTES = 32 * 1024 * 1024;

export type SegmentRead = { bytes: Buffer } | { missing: true } | { refused: string };

/** Opened non-blocking: a FIFO in the segments folder cannot block the device. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function openFailed(err: unknown): SegmentRead {
  if (errnoCode(err) === 'ENOENT') return { missing: true };
  return { refused: err instanceof Error ? err.message : String(err) };
}

/** Why the opened file is not read (not a regular file, too big), or the buffer to read it into. */
function bufferFor(file: string, stat: Stats): Buffer | { refused: string } {
  if (!stat.isFile()) return { refused: `${file} is not a regular file` };
  if (stat.size > MAX_SEGMENT_BYTES) return { refused: `${file} is ${stat.size} bytes, over the ${MAX_SEGMENT_BYTES}-byte limit of a segment` };
  return Buffer.allocUnsafe(stat.size);
}

/**
 * One segment's bytes, read from ONE descriptor opened non-blocking,
 * checked to be a regular file of at most MAX_SEGMENT_BYTES before anything
 * is read.
 */
export async function readSegmentBytes(file: string): Promise<SegmentRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (err) {
    return openFailed(err);
  }
  try {
    const bytes = bufferFor(file, await handle.stat());
    if (!Buffer.isBuffer(bytes)) return bytes;
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

/**
 * readSegmentBytes in one go, for a replay. The asynchronous read takes
 * five turns of the event loop per segment (open, stat, read, read, close),
 * and a replay's main thread turns it about once per frame (five per 1 s
 * segment): the feeding only kept pace with the frames, never got ahead, and
 * the frames waited for ffmpeg (260 ms of a 1.1 s replay of 1300 frames).
 * Read at once, the sound is 12-17 s ahead of the frames and they waited
 * 100 ms, most of it for ffmpeg's start. A 1 s segment is 100-400 KB from
 * the page cache; a replay reads the frames from the same disk anyway.
 */
export function readSegmentBytesNow(file: string): SegmentRead {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    return openFailed(err);
  }
  try {
    const bytes = bufferFor(file, fstatSync(fd));
    if (!Buffer.isBuffer(bytes)) return bytes;
    let filled = 0;
    while (filled < bytes.length) {
      const bytesRead = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: filled === bytes.length ? bytes : bytes.subarray(0, filled) };
  } finally {
    closeSync(fd);
  }
}

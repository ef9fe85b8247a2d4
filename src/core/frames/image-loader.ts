import { closeSync, constants as fsc, fstatSync, openSync, readSync } from 'node:fs';
import type { OutputInfo } from 'sharp';
import { errnoCode } from '../errors.js';
import type { GrayFrame } from './gray-frame.js';
import { FrameDecodeError } from './frame-errors.js';
import { MAX_CAPTURE_SIZE } from './frame-size.js';
import { readJpegDeclaredSize } from './jpeg-header.js';
import { JpegLumaError, decodeJpegLuma } from './jpeg-luma.js';
import { DecodeSlots } from './decode-slots.js';
import { loadSharp } from './sharp-loader.js';

/** A capture is ~100 KB; anything this big is not a frame and is refused before it is read into memory. */
export const MAX_FRAME_FILE_BYTES = 16 * 1024 * 1024;
/**
 * sharp decodes in flight in the whole process (every device, every
 * prefetched frame): each holds up to a MAX_CAPTURE_SIZE RGB image (25 MB)
 * plus libjpeg's buffers (a progressive 4K frame keeps all its coefficients,
 * another 25-50 MB). The farm's baseline frames never come here (the luma
 * decoder is synchronous, so one at a time by construction).
 */
export const SHARP_DECODES_IN_FLIGHT = 1;
const sharpSlots = new DecodeSlots(SHARP_DECODES_IN_FLIGHT);
/**
 * Any libjpeg complaint fails the decode: truncated files, and also corrupt
 * data that libjpeg notices and would otherwise "recover" into grey or
 * smeared blocks, which look like a freeze, a blackscreen or macroblocking. The
 * farm's ffmpeg writes clean JPEGs atomically, so a complaint means a bad
 * file, and the frame is reported as such instead of analysed.
 */
const FAIL_ON = 'warning' as const;

/**
 * Decode a JPEG to 8-bit grayscale (BT.601 luma, the Y of the JPEG, as
 * OpenCV's IMREAD_GRAYSCALE gives it: exactly so for baseline JPEGs, which the
 * luma decoder reads; others go through sharp's RGB, which differs where RGB
 * clips at 0 or 255). With `size`, an image of another size
 * is resampled to it by nearest neighbour at pixel centres, which is what
 * ffmpeg's `flags=neighbor` does for the thumbnails: a capture loaded this way
 * differs from its real thumbnail by ~1-3% of pixels (JPEG re-encoding),
 * against ~4-6% with libvips' nearest resize or shrink-on-load, which sample
 * another phase or average; the freeze threshold is 2%, so fidelity wins over
 * the faster 1/4-scale decode on this rare path (thumbnail missing).
 * A JPEG that declares more than `maxSize` (MAX_CAPTURE_SIZE unless the
 * caller knows better, e.g. a thumbnail) is refused from its header,
 * before any decoder allocates for it.
 * Throws FrameDecodeError with a short reason.
 */
export async function loadGrayImage(
  path: string,
  size?: { width: number; height: number },
  maxSize: { width: number; height: number } = MAX_CAPTURE_SIZE,
  options: { sharpMaxPixels?: number } = {},
): Promise<GrayFrame> {
  const bytes = readFrameFile(path);
  if (bytes.length === 0) throw new FrameDecodeError(path, 'empty file');
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    throw new FrameDecodeError(path, 'not a JPEG');
  }
  const declared = readJpegDeclaredSize(bytes);
  if (declared && (declared.width > maxSize.width || declared.height > maxSize.height)) {
    throw new FrameDecodeError(path, 'too large', {
      detail: `declares ${declared.width}x${declared.height}, over ${maxSize.width}x${maxSize.height}`,
    });
  }
  const luma = decodeLuma(path, bytes);
  if (!luma && !size && declared && options.sharpMaxPixels !== undefined && declared.width * declared.height > options.sharpMaxPixels) {
    throw new FullDecodeRefusedError(path, declared.width, declared.height, options.sharpMaxPixels);
  }
  const gray = luma ?? (await decodeWithSharp(path, bytes, maxSize.width * maxSize.height, size));
  if (!size || (size.width === gray.width && size.height === gray.height)) return gray;
  return sampleNearest(gray, size.width, size.height);
}

/**
 * A JPEG the luma decoder does not read (progressive, arithmetic-coded, ...)
 * and that declares more pixels than the caller allows for a full-size sharp
 * decode: refused before libjpeg allocates for it.
 */
export class FullDecodeRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(`${file}: not a baseline JPEG and ${width}x${height}, over the ${maxPixels} pixels decoded at full size`);
  }
}

/**
 * The farm's frames (baseline JPEGs from ffmpeg) through the luma-only
 * decoder: libvips spends ~2.8 ms of CPU setting up to decode an 11 KB
 * thumbnail, the luma decoder ~0.5 ms for the whole job. Its errors are the
 * ones libjpeg reports; undefined means a JPEG it does not handle.
 */
function decodeLuma(path: string, bytes: Buffer): GrayFrame | undefined {
  try {
    return decodeJpegLuma(bytes);
  } catch (err) {
    if (err instanceof JpegLumaError) throw new FrameDecodeError(path, err.reason, { cause: err });
    throw err;
  }
}

/**
 * Progressive, arithmetic-coded, 12-bit, lossless, CMYK or RGB JPEGs: libjpeg
 * through sharp, one at a time (SHARP_DECODES_IN_FLIGHT). Its own pixel limit
 * repeats the header check, in case libjpeg reads a size our parser did not.
 * With `size` (a capture standing in for its thumbnail) libjpeg scales while
 * decoding (shrink-on-load): a progressive 3840x2160 frame then costs ~40 MB
 * instead of ~125 MB at full size. Its pixels differ a little more from
 * ffmpeg's nearest-neighbour thumbnail than the luma decoder's sampling
 * does (see loadGrayImage), on a path the farm's baseline frames never take.
 */
async function decodeWithSharp(path: string, bytes: Buffer, maxPixels: number, size?: { width: number; height: number }): Promise<GrayFrame> {
  let raw: { data: Buffer; info: OutputInfo };
  const release = await sharpSlots.acquire();
  try {
    const sharp = await loadSharp();
    let pipeline = sharp(bytes, { failOn: FAIL_ON, limitInputPixels: maxPixels, sequentialRead: true });
    if (size) pipeline = pipeline.resize(size.width, size.height, { kernel: 'nearest', fit: 'fill', fastShrinkOnLoad: true });
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (/exceeds pixel limit/i.test(err instanceof Error ? err.message : '')) throw new FrameDecodeError(path, 'too large', { cause: err });
    throw new FrameDecodeError(path, decodeReason(err), { cause: err });
  } finally {
    release();
  }
  return toGray(raw.data, raw.info.width, raw.info.height, raw.info.channels);
}

/** Nearest-neighbour resampling at pixel centres: target x takes source floor((x + 0.5) * srcW / dstW). */
export function sampleNearest(frame: GrayFrame, width: number, height: number): GrayFrame {
  const out = new Uint8Array(width * height);
  const columns = new Int32Array(width);
  for (let x = 0; x < width; x++) columns[x] = Math.floor(((x + 0.5) * frame.width) / width);
  for (let y = 0; y < height; y++) {
    const from = Math.floor(((y + 0.5) * frame.height) / height) * frame.width;
    const to = y * width;
    for (let x = 0; x < width; x++) out[to + x] = frame.data[from + columns[x]!]!;
  }
  return { data: out, width, height };
}

/**
 * Synchronous on purpose: a frame is ~10-100 KB on local storage that ffmpeg
 * just wrote (page cache), read in ~25 us of CPU; the promise API's
 * open/stat/read/close round trips through libuv's pool cost ~300 us of CPU
 * per frame (measured), an eighth of the whole per-frame budget. fstat comes
 * first so an oversized file is refused before any memory is allocated.
 * O_NONBLOCK: opening a FIFO named like a frame would otherwise block the
 * whole process (every device, and the SIGTERM handler) until a writer
 * comes; fstat on the opened fd then refuses anything but a regular file.
 */
function readFrameFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    throw new FrameDecodeError(path, errnoCode(err) === 'ENOENT' ? 'missing' : 'unreadable', { cause: err });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FrameDecodeError(path, 'not a regular file');
    if (stats.size > MAX_FRAME_FILE_BYTES) throw new FrameDecodeError(path, 'too large');
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break; // shrank while reading: decode what is there, libjpeg will call it truncated
      filled += n;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (err) {
    if (err instanceof FrameDecodeError) throw err;
    throw new FrameDecodeError(path, 'unreadable', { cause: err });
  } finally {
    closeSync(fd);
  }
}

function decodeReason(err: unknown): 'truncated' | 'corrupt' {
  const message = err instanceof Error ? err.message : String(err);
  return /premature end|truncated|unexpected end/i.test(message) ? 'truncated' : 'corrupt';
}

/**
 * Luma from libvips' RGB output, in place: sharp's own greyscale() goes
 * through linear light (slower, and a red banner then reads ~50 levels
 * brighter than its Y). Weights are BT.601 in 16-bit fixed point.
 */
function toGray(data: Buffer, width: number, height: number, channels: number): GrayFrame {
  const pixels = width * height;
  const gray = new Uint8Array(data.buffer, data.byteOffset, pixels);
  if (channels >= 3) {
    for (let i = 0, j = 0; i < pixels; i++, j += channels) {
      gray[i] = (19595 * data[j]! + 38470 * data[j + 1]! + 7471 * data[j + 2]! + 32768) >>> 16;
    }
  } else if (channels === 2) {
    for (let i = 0, j = 0; i < pixels; i++, j += 2) gray[i] = data[j]!;
  }
  return { data: gray, width, height };
}

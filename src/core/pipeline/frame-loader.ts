import { promises as fs } from 'node:fs';
import type { GrayFrame } from '../frames/gray-frame.js';
import { FrameDecodeError } from '../frames/frame-errors.js';
import { THUMBNAIL_SIZE } from '../frames/frame-size.js';
import { loadGrayImage } from '../frames/image-loader.js';

/** The files of one frame; the thumbnail is what the detectors read. */
export interface FrameFiles {
  sequence: number;
  capturePath: string;
  thumbnailPath: string;
}

/** A frame decoded for the detectors, or the reason it could not be. */
export interface LoadedFrame {
  files: FrameFiles;
  /** 320x180 grayscale: the thumbnail, or the capture shrunk on load when the thumbnail is bad. */
  thumb: GrayFrame | undefined;
  source: 'thumbnail' | 'capture' | undefined;
  /**
   * What was wrong with the frame's files, for the log line and the JSON
   * `error`: set when the thumbnail had to be replaced by the capture, and
   * when nothing could be decoded at all (then `thumb` is undefined).
   */
  error: string | undefined;
  /** Capture and thumbnail are both gone (rotated or deleted since the frame was seen). */
  gone: boolean;
  loadMs: number;
}

function problemOf(err: unknown): { reason: FrameDecodeError['reason']; text: string } {
  if (err instanceof FrameDecodeError) return { reason: err.reason, text: err.description };
  throw err;
}

/**
 * Decode the thumbnail; when it is missing, broken or not 320x180, decode the 1280x720
 * capture shrunk to 320x180 instead (libjpeg shrink-on-load, then
 * nearest-neighbour, so it samples the same pixels ffmpeg's thumbnail
 * would have). Only a FrameDecodeError is a bad frame; anything else
 * (a bug, EMFILE) propagates.
 */
export async function loadFrame(files: FrameFiles): Promise<LoadedFrame> {
  const started = performance.now();
  const done = (thumb: GrayFrame | undefined, source: LoadedFrame['source'], error: string | undefined, gone = false): LoadedFrame => ({
    files,
    thumb,
    source,
    error,
    gone,
    loadMs: performance.now() - started,
  });
  let thumbProblem: string;
  let thumbMissing = false;
  try {
    // A thumbnail declaring more than 320x180 is refused from its header: it would only be replaced anyway.
    const thumb = await loadGrayImage(files.thumbnailPath, undefined, THUMBNAIL_SIZE);
    if (thumb.width === THUMBNAIL_SIZE.width && thumb.height === THUMBNAIL_SIZE.height) return done(thumb, 'thumbnail', undefined);
    // Not ffmpeg's 320x180 sample: the detectors' thresholds and the freeze ring assume that size.
    thumbProblem = `thumbnail wrong size ${thumb.width}x${thumb.height} (expected ${THUMBNAIL_SIZE.width}x${THUMBNAIL_SIZE.height})`;
  } catch (err) {
    const { reason, text } = problemOf(err);
    thumbMissing = reason === 'missing';
    thumbProblem = `thumbnail ${text}`;
  }
  try {
    const thumb = await loadGrayImage(files.capturePath, THUMBNAIL_SIZE);
    return done(thumb, 'capture', `${thumbProblem}: analysed the capture instead`);
  } catch (err) {
    const { reason, text } = problemOf(err);
    return done(undefined, undefined, `capture ${text}, ${thumbProblem}`, reason === 'missing' && thumbMissing);
  }
}

/** Frames looked at for the replay clock's start before giving up on their mtimes. */
const CLOCK_START_PROBES = 64;

/**
 * The replay clock's start (the first frame's mtime, docs/design.md), taken from
 * the first of the first CLOCK_START_PROBES frames whose capture or
 * thumbnail has a time, counted back to the first sequence at `fps`: a first
 * frame that is a dangling symlink, a loop or already gone is one bad frame,
 * not the end of the replay. Without any, the clock starts now.
 */
export async function replayClockStart(filesAt: (i: number) => FrameFiles, count: number, fps: number, now = Date.now): Promise<number> {
  const first = count > 0 ? filesAt(0).sequence : 0;
  for (let i = 0; i < Math.min(count, CLOCK_START_PROBES); i++) {
    const files = filesAt(i);
    for (const file of [files.capturePath, files.thumbnailPath]) {
      const stats = await fs.stat(file).catch(() => undefined);
      if (stats?.isFile()) return stats.mtimeMs - ((files.sequence - first) * 1000) / fps;
    }
  }
  return now();
}

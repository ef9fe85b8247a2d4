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

function reasonOf(err: unknown): FrameDecodeError['reason'] {
  if (err instanceof FrameDecodeError) return err.reason;
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
    const thumb = await loadGrayImage(files.thumbnailPath);
    if (thumb.width === THUMBNAIL_SIZE.width && thumb.height === THUMBNAIL_SIZE.height) return done(thumb, 'thumbnail', undefined);
    // Not ffmpeg's 320x180 sample: the detectors' thresholds and the freeze ring assume that size.
    thumbProblem = `thumbnail wrong size ${thumb.width}x${thumb.height} (expected ${THUMBNAIL_SIZE.width}x${THUMBNAIL_SIZE.height})`;
  } catch (err) {
    const reason = reasonOf(err);
    thumbMissing = reason === 'missing';
    thumbProblem = `thumbnail ${reason}`;
  }
  try {
    const thumb = await loadGrayImage(files.capturePath, THUMBNAIL_SIZE);
    return done(thumb, 'capture', `${thumbProblem}: analysed the capture instead`);
  } catch (err) {
    const reason = reasonOf(err);
    return done(undefined, undefined, `capture ${reason}, ${thumbProblem}`, reason === 'missing' && thumbMissing);
  }
}

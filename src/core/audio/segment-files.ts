import path from 'node:path';
import { FRAME_DIGITS } from '../layout/frame-names.js';

/** HLS segment length of a capture device (docs/design.md layout: 1 s). */
export const SEGMENT_SECONDS = 1;
/** VNC devices write 4 s segments (at 2 fps). */
export const VNC_SEGMENT_SECONDS = 4;

/**
 * The segment a frame belongs to. Frames and segments come from the same
 * ffmpeg and are both numbered from 0, so frame N was captured during
 * second N / fps and lies in segment floor(N / (fps * segmentSeconds)):
 * floor(N / fps) for 1 s segments, floor(N / (fps * 4)) for VNC's 4 s ones.
 */
export function segmentIndexForFrame(sequence: number, fps: number, segmentSeconds = SEGMENT_SECONDS): number {
  return Math.floor(sequence / (fps * segmentSeconds));
}

/** segments/segment_NNNNNNNNN.ts */
/** `segment_NNNNNNNNN.ts`, as ffmpeg's HLS muxer names them (no temp files, no playlists). */
const SEGMENT_NAME = new RegExp(`^segment_(\\d{${FRAME_DIGITS}})\\.ts$`);

/** The segment number in a file name, or undefined for anything else (playlists, temp files). */
export function parseSegmentIndex(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function segmentFileName(index: number): string {
  return `segment_${String(index).padStart(FRAME_DIGITS, '0')}.ts`;
}

export function segmentPath(segmentsDir: string, index: number): string {
  return path.join(segmentsDir, segmentFileName(index));
}

/**
 * The segments covering frames first..last (inclusive) plus `after` more:
 * what a zap check merges (the event's audio and one segment past its end,
 * where the new channel's sound should be back).
 */
export function segmentRangeForFrames(first: number, last: number, fps: number, segmentSeconds = SEGMENT_SECONDS, after = 1): number[] {
  const from = segmentIndexForFrame(first, fps, segmentSeconds);
  const to = segmentIndexForFrame(last, fps, segmentSeconds) + after;
  const range: number[] = [];
  for (let i = from; i <= to; i++) range.push(i);
  return range;
}

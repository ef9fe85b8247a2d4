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

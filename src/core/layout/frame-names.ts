/**
 * Names of the files ffmpeg writes for each frame (docs/design.md "Input layout").
 * Frame numbers are 9-digit sequence numbers; anything else in a captures
 * folder (thumbnails, ffmpeg's `.tmp` files during atomic writing, dotfiles,
 * editor leftovers) is not a frame. The HLS segments' names and the frame ->
 * segment rule are in audio/segment-files.ts (they depend on the segment length).
 */

/** Digits in a frame number: capture_000000123.jpg. */
export const FRAME_DIGITS = 9;

const FRAME_NAME = /^capture_(\d{9})\.jpg$/;

/** The sequence number of a frame file name, or undefined when the name is not a frame. */
export function parseFrameSequence(fileName: string): number | undefined {
  const match = FRAME_NAME.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

export function frameStem(sequence: number): string {
  return `capture_${String(sequence).padStart(FRAME_DIGITS, '0')}`;
}

/** captures/capture_NNNNNNNNN.jpg */
export function captureFileName(sequence: number): string {
  return `${frameStem(sequence)}.jpg`;
}

/** thumbnails/capture_NNNNNNNNN_thumbnail.jpg */
export function thumbnailFileName(sequence: number): string {
  return `${frameStem(sequence)}_thumbnail.jpg`;
}

/** metadata/capture_NNNNNNNNN.json */
export function metadataFileName(sequence: number): string {
  return `${frameStem(sequence)}.json`;
}

/** Once per second of video a frame goes into the 10-minute chunk file. */
export function isChunkFrame(sequence: number, fps: number): boolean {
  return sequence % fps === 0;
}

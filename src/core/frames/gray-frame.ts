/**
 * One decoded 8-bit grayscale image, row-major, `data.length === width * height`:
 * what the frame loaders produce and the detectors read. It lives with the
 * frames so that the decoders need nothing from the detectors.
 */
export interface GrayFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

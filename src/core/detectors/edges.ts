import type { GrayFrame } from '../frames/gray-frame.js';

/** Hysteresis thresholds of the Canny-like edge map (docs/design.md: "thresholds 50/150"), on the L1 Sobel magnitude like OpenCV's Canny. */
export const CANNY_LOW_THRESHOLD = 50;
export const CANNY_HIGH_THRESHOLD = 150;
/**
 * The scratch buffers are kept between calls up to this many pixels (the
 * whole 320x180 thumbnail, ~400 KB): the zap band of a thumbnail fits, so the
 * per-frame path allocates nothing. A bigger region gets one-off buffers that
 * are not kept, so the module never holds more than this bound.
 */
export const EDGE_SCRATCH_MAX_PIXELS = 320 * 180;

// tan(22.5°) and tan(67.5°) in 15-bit fixed point, as OpenCV quantises gradient directions.
const TG22 = Math.round(0.41421356237309503 * (1 << 15));
const TG67 = Math.round(2.414213562373095 * (1 << 15));

const NOT_EDGE = 0;
const WEAK = 1;
const EDGE = 2;

interface Scratch {
  magnitude: Int16Array;
  state: Uint8Array;
  stack: Int32Array;
}

let kept: Scratch | undefined;

function makeScratch(pixels: number): Scratch {
  return { magnitude: new Int16Array(pixels), state: new Uint8Array(pixels), stack: new Int32Array(pixels) };
}

function scratchFor(pixels: number): Scratch {
  if (pixels > EDGE_SCRATCH_MAX_PIXELS) return makeScratch(pixels);
  if (!kept || kept.state.length < pixels) kept = makeScratch(EDGE_SCRATCH_MAX_PIXELS);
  return kept;
}

/**
 * Count the edge pixels of rows [top, bottom) of a frame with a Canny-like
 * detector: 3x3 Sobel, L1 magnitude, non-maximum suppression along the
 * quantised gradient direction, hysteresis (strong > high, kept weak > low
 * when 8-connected to a strong one). The band is treated as its own image:
 * its outermost pixels have no full neighbourhood and are never edges.
 */
export function countEdges(frame: GrayFrame, top: number, bottom: number, low = CANNY_LOW_THRESHOLD, high = CANNY_HIGH_THRESHOLD): number {
  const { data, width } = frame;
  const rows = bottom - top;
  if (rows < 3 || width < 3) return 0;
  const pixels = rows * width;
  const { magnitude: mag, state, stack } = scratchFor(pixels);
  const base = top * width;

  // Pass 1: Sobel magnitude; border pixels 0. Direction is recomputed in pass 2 from the same sums (cheaper than storing it).
  mag.fill(0, 0, pixels);
  for (let y = 1; y < rows - 1; y++) {
    let i = base + y * width + 1;
    for (let x = 1; x < width - 1; x++, i++) {
      const gx = sobelX(data, i, width);
      const gy = sobelY(data, i, width);
      mag[y * width + x] = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
    }
  }

  // Pass 2: non-maximum suppression and classification; strong edges seed the stack.
  state.fill(NOT_EDGE, 0, pixels);
  let sp = 0;
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const j = y * width + x;
      const m = mag[j]!;
      if (m <= low) continue;
      const i = base + j;
      const gx = sobelX(data, i, width);
      const gy = sobelY(data, i, width);
      const ax = gx < 0 ? -gx : gx;
      const ay = gy < 0 ? -gy : gy;
      const ay15 = ay * (1 << 15);
      let isMax: boolean;
      if (ay15 < ax * TG22) {
        isMax = m > mag[j - 1]! && m >= mag[j + 1]!; // gradient ~horizontal: compare left/right
      } else if (ay15 > ax * TG67) {
        isMax = m > mag[j - width]! && m >= mag[j + width]!; // gradient ~vertical: compare up/down
      } else {
        const s = (gx ^ gy) < 0 ? -1 : 1; // diagonal: which diagonal depends on the signs
        isMax = m > mag[j - width - s]! && m > mag[j + width + s]!;
      }
      if (!isMax) continue;
      if (m > high) {
        state[j] = EDGE;
        stack[sp++] = j;
      } else {
        state[j] = WEAK;
      }
    }
  }

  // Pass 3: hysteresis; every pixel is pushed at most once (marked EDGE when pushed), so the stack cannot overflow.
  let edges = sp;
  while (sp > 0) {
    const j = stack[--sp]!;
    for (let dy = -width; dy <= width; dy += width) {
      for (let dx = -1; dx <= 1; dx++) {
        const k = j + dy + dx;
        if (state[k] === WEAK) {
          state[k] = EDGE;
          stack[sp++] = k;
          edges++;
        }
      }
    }
  }
  return edges;
}

/** Edge pixels of rows [top, bottom) as a percentage of that band, 0-100. */
export function edgeDensityPercent(frame: GrayFrame, top: number, bottom: number, low?: number, high?: number): number {
  const pixels = (bottom - top) * frame.width;
  if (pixels <= 0) return 0;
  return (countEdges(frame, top, bottom, low, high) * 100) / pixels;
}

function sobelX(d: Uint8Array, i: number, w: number): number {
  return d[i - w + 1]! - d[i - w - 1]! + 2 * (d[i + 1]! - d[i - 1]!) + d[i + w + 1]! - d[i + w - 1]!;
}

function sobelY(d: Uint8Array, i: number, w: number): number {
  return d[i + w - 1]! - d[i - w - 1]! + 2 * (d[i + w]! - d[i - w]!) + d[i + w + 1]! - d[i - w + 1]!;
}

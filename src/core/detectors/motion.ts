import { BLOCK_MASKED, BLOCK_OPEN, MOTION_BLOCK, type MaskPlan } from './mask.js';
import type { GrayFrame } from '../frames/gray-frame.js';

/**
 * The motion test behind the default freeze rule, after stb-tester's
 * MotionDiff (threshold the difference, drop what has no structure, any
 * area left is motion), with connected regions in place of its erosion:
 * an erosion also removes a 1-row ticker, a region does not.
 *
 * A changed pixel is one with |a - b| above the pair's threshold. A region
 * is a 4-connected set of changed pixels whose difference has one sign: a
 * moving edge, a fade, a brightening change neighbours alike, while noise
 * and the ringing an encoder refresh leaves alternate in sign and scatter
 * (measured on the generated captures of test/detectors/freeze-fixtures.ts:
 * the largest such region of a still is 9 thumbnail pixels, at MJPEG
 * quality 24; 3 for sensor noise of sigma 2-8 and for x264 keyframes).
 * A region is motion when it covers the minimum area, or when it is strong:
 * its levels above the threshold add up to MOTION_STRONG_LEVELS per pixel of
 * the minimum area (a thin high-contrast ticker or spinner arc: 400-2,400;
 * a still's regions: at most 48).
 */

/** Levels above the threshold, per pixel of the minimum area, that make a small region strong enough to count. */
export const MOTION_STRONG_LEVELS = 16;

/**
 * Scratch buffers of one device's motion test, allocated once and grown only
 * when the frame size or the minimum area grows: a visited map of one frame
 * (bytes) and a flood stack of at most the minimum area (a region is
 * settled once it reaches it), whatever the picture.
 */
export class MotionScratch {
  visited = new Uint8Array(0);
  stack = new Int32Array(0);
  /** Largest region of the last call, thumbnail pixels (capped at the minimum area). */
  largest = 0;

  fit(pixels: number, minArea: number): void {
    if (this.visited.length !== pixels) this.visited = new Uint8Array(pixels);
    if (this.stack.length < minArea) this.stack = new Int32Array(minArea);
  }
}

/**
 * Whether a and b (same size) differ by a region that counts as motion.
 * `minArea` in frame pixels; masked pixels never change. `scratch.largest`
 * tells the largest region seen (the motion region when true).
 */
export function findMotion(a: GrayFrame, b: GrayFrame, threshold: number, minArea: number, scratch: MotionScratch, plan?: MaskPlan): boolean {
  const { width, height } = a;
  const area = Math.max(1, Math.ceil(minArea));
  scratch.fit(width * height, area);
  scratch.largest = 0;
  // Integer pixels: |d| > threshold exactly when |d| > floor(threshold); the sign bit of (limit - |d|) is that test, without a branch.
  const limit = Math.floor(threshold) | 0;
  const strong = area * MOTION_STRONG_LEVELS;
  const x = a.data;
  const y = b.data;
  const blockRows = Math.ceil(height / MOTION_BLOCK);
  const blocksPerRow = Math.ceil(width / MOTION_BLOCK);
  let dirty = false;
  let moved = false;
  outer: for (let by = 0; by < blockRows; by++) {
    const top = by * MOTION_BLOCK;
    const fullRows = top + MOTION_BLOCK <= height;
    for (let bx = 0; bx < blocksPerRow; bx++) {
      const left = bx * MOTION_BLOCK;
      const kind = plan === undefined ? BLOCK_OPEN : plan.blocks[by * blocksPerRow + bx]!;
      if (kind === BLOCK_MASKED) continue;
      let c = 0;
      if (kind === BLOCK_OPEN && fullRows && left + MOTION_BLOCK <= width) {
        for (let i = top * width + left, r = 0; r < MOTION_BLOCK; r++, i += width) {
          c +=
            changed(x[i]! - y[i]!, limit) +
            changed(x[i + 1]! - y[i + 1]!, limit) +
            changed(x[i + 2]! - y[i + 2]!, limit) +
            changed(x[i + 3]! - y[i + 3]!, limit);
        }
      } else {
        c = 1; // a block cut by the frame's edge or a mask: let the pixel scan below decide
      }
      if (c === 0) continue;
      // Rare on a still (a few blocks of noise), settled at the first region on a moving picture.
      for (let row = top; row < Math.min(height, top + MOTION_BLOCK); row++) {
        for (let col = left; col < Math.min(width, left + MOTION_BLOCK); col++) {
          const i = row * width + col;
          if (scratch.visited[i] === 1 || !isChanged(a, b, i, limit, plan)) continue;
          dirty = true;
          if (floodRegion(a, b, i, limit, area, strong, scratch, plan)) {
            moved = true;
            break outer;
          }
        }
      }
    }
  }
  if (dirty) scratch.visited.fill(0);
  return moved;
}

/** 1 when |d| > limit, else 0. */
function changed(d: number, limit: number): number {
  const sign = d >> 31;
  return (limit - ((d ^ sign) - sign)) >>> 31;
}

function isChanged(a: GrayFrame, b: GrayFrame, i: number, limit: number, plan?: MaskPlan): boolean {
  if (plan !== undefined && plan.masked[i] === 1) return false;
  const d = a.data[i]! - b.data[i]!;
  return (d < 0 ? -d : d) > limit;
}

/**
 * Grow the one-signed region from `seed` (4-connected), stopping as soon as
 * it counts: `area` pixels, or `strong` levels above the limit in all.
 */
function floodRegion(a: GrayFrame, b: GrayFrame, seed: number, limit: number, area: number, strong: number, scratch: MotionScratch, plan?: MaskPlan): boolean {
  const { width, height } = a;
  const { visited, stack } = scratch;
  const positive = a.data[seed]! > b.data[seed]!;
  let size = 0;
  let levels = 0;
  let top = 0;
  const push = (j: number): boolean => {
    visited[j] = 1;
    const d = a.data[j]! - b.data[j]!;
    levels += (d < 0 ? -d : d) - limit;
    stack[top++] = j;
    size++;
    return size >= area || levels >= strong;
  };
  let counts = push(seed);
  while (!counts && top > 0) {
    const j = stack[--top]!;
    const col = j % width;
    const row = (j - col) / width;
    for (let k = 0; k < 4 && !counts; k++) {
      const n =
        k === 0 ? (col > 0 ? j - 1 : -1) : k === 1 ? (col + 1 < width ? j + 1 : -1) : k === 2 ? (row > 0 ? j - width : -1) : row + 1 < height ? j + width : -1;
      if (n < 0 || visited[n] === 1 || !isChanged(a, b, n, limit, plan)) continue;
      if (a.data[n]! > b.data[n]! !== positive) continue;
      counts = push(n);
    }
  }
  if (size > scratch.largest) scratch.largest = size;
  return counts;
}

import { BLOCK_MASKED, BLOCK_OPEN, MOTION_BLOCK, type MaskPlan } from './mask.js';
import type { GrayFrame } from '../frames/gray-frame.js';

/**
 * The motion test behind the default freeze rule, after stb-tester's
 * MotionDiff idea (difference, drop isolated specks, then look at what is
 * left) with a block rule in place of an erosion: the frame is cut into
 * MOTION_BLOCK x MOTION_BLOCK blocks (16x16 capture pixels on the
 * thumbnail), a block counts when at least BLOCK_MIN_CHANGED of its pixels
 * changed, and the changed area is the changed pixels of the blocks that
 * count. A lone speck of noise never counts; a moving edge, however thin,
 * changes several pixels of each block it crosses.
 */

/**
 * Changed pixels a block needs before they count (of 16). 3: JPEG ringing
 * on a still picture's edges leaves pairs of changed pixels; a wipe's
 * thumbnail row still changes 4 of each block it crosses.
 */
export const BLOCK_MIN_CHANGED = 3;

/**
 * Changed pixels (|a-b| > threshold) in the blocks that count, skipping
 * masked pixels; counting stops once `stopAt` is reached (the caller only
 * needs to know the area is at least that). Frames must have the same size.
 */
export function changedArea(a: GrayFrame, b: GrayFrame, threshold: number, stopAt: number, plan?: MaskPlan): number {
  const { width, height } = a;
  const x = a.data;
  const y = b.data;
  // Integer pixels: |d| > threshold exactly when |d| > floor(threshold); the sign bit of (limit - |d|) is that test, without a branch.
  const limit = Math.floor(threshold) | 0;
  const blockRows = Math.ceil(height / MOTION_BLOCK);
  const blocksPerRow = Math.ceil(width / MOTION_BLOCK);
  let area = 0;
  for (let by = 0; by < blockRows; by++) {
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
        c = edgeBlock(a, b, limit, left, top, plan);
      }
      if (c >= BLOCK_MIN_CHANGED) {
        area += c;
        if (area >= stopAt) return area;
      }
    }
  }
  return area;
}

/** 1 when |d| > limit, else 0. */
function changed(d: number, limit: number): number {
  const sign = d >> 31;
  return (limit - ((d ^ sign) - sign)) >>> 31;
}

/** A block cut by the frame's edge or by a mask: pixel by pixel. */
function edgeBlock(a: GrayFrame, b: GrayFrame, limit: number, left: number, top: number, plan?: MaskPlan): number {
  const { width, height } = a;
  let c = 0;
  for (let row = top; row < Math.min(height, top + MOTION_BLOCK); row++) {
    for (let col = left; col < Math.min(width, left + MOTION_BLOCK); col++) {
      const i = row * width + col;
      if (plan !== undefined && plan.masked[i] === 1) continue;
      c += changed(a.data[i]! - b.data[i]!, limit);
    }
  }
  return c;
}

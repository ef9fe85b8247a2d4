import { CAPTURE_SIZE } from '../frames/frame-size.js';

/**
 * Regions to ignore (a clock, a channel logo, a news ticker), given by the
 * operator in capture pixels (1280x720) and applied to whatever frame the
 * detectors see (the 320x180 thumbnail, or a capture decoded at another size).
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Freeze compares 4x4-pixel blocks of the thumbnail (16x16 capture pixels): see motion.ts. */
export const MOTION_BLOCK = 4;

/** A block with no masked pixel: compared at full speed. */
export const BLOCK_OPEN = 0;
/** A block partly masked: compared pixel by pixel against the bitmap. */
const BLOCK_PARTIAL = 1;
/** A block entirely masked: skipped. */
export const BLOCK_MASKED = 2;

/**
 * A device's masks rasterised for one frame size: a bitmap (1 = ignored) and
 * the state of each MOTION_BLOCK block. One per device and frame size (the
 * FreezeJudge keeps one), so its memory is one frame's worth of bytes.
 */
export interface MaskPlan {
  width: number;
  height: number;
  /** 1 where the pixel is ignored. */
  masked: Uint8Array;
  maskedPixels: number;
  /** Per block, row-major over ceil(width/4) x ceil(height/4): BLOCK_OPEN, BLOCK_PARTIAL or BLOCK_MASKED. */
  blocks: Uint8Array;
  blocksPerRow: number;
}

/**
 * A capture-pixel rectangle in frame pixels, rounded outwards so the frame
 * rectangle covers every capture pixel the operator named (a mask that
 * leaves a clock's edge visible would let the clock count as motion).
 */
function rectOnFrame(rect: Rect, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  const sx = width / CAPTURE_SIZE.width;
  const sy = height / CAPTURE_SIZE.height;
  return {
    x0: Math.max(0, Math.floor(rect.x * sx)),
    y0: Math.max(0, Math.floor(rect.y * sy)),
    x1: Math.min(width, Math.ceil((rect.x + rect.w) * sx)),
    y1: Math.min(height, Math.ceil((rect.y + rect.h) * sy)),
  };
}

/** Rasterise `rects` (capture pixels) for a width x height frame; undefined when there is nothing to mask. */
export function buildMaskPlan(rects: readonly Rect[], width: number, height: number): MaskPlan | undefined {
  if (rects.length === 0) return undefined;
  const masked = new Uint8Array(width * height);
  for (const rect of rects) {
    const { x0, y0, x1, y1 } = rectOnFrame(rect, width, height);
    for (let y = y0; y < y1; y++) masked.fill(1, y * width + x0, y * width + x1);
  }
  let maskedPixels = 0;
  for (let i = 0; i < masked.length; i++) maskedPixels += masked[i]!;
  if (maskedPixels === 0) return undefined;
  const blocksPerRow = Math.ceil(width / MOTION_BLOCK);
  const blockRows = Math.ceil(height / MOTION_BLOCK);
  const blocks = new Uint8Array(blocksPerRow * blockRows);
  for (let by = 0; by < blockRows; by++) {
    for (let bx = 0; bx < blocksPerRow; bx++) {
      let inBlock = 0;
      let hidden = 0;
      for (let y = by * MOTION_BLOCK; y < Math.min(height, (by + 1) * MOTION_BLOCK); y++) {
        for (let x = bx * MOTION_BLOCK; x < Math.min(width, (bx + 1) * MOTION_BLOCK); x++) {
          inBlock++;
          hidden += masked[y * width + x]!;
        }
      }
      blocks[by * blocksPerRow + bx] = hidden === 0 ? BLOCK_OPEN : hidden === inBlock ? BLOCK_MASKED : BLOCK_PARTIAL;
    }
  }
  return { width, height, masked, maskedPixels, blocks, blocksPerRow };
}

/** Share of the frame the masks hide, 0-100. */
export function maskedPercent(plan: MaskPlan | undefined): number {
  return plan ? (plan.maskedPixels * 100) / (plan.width * plan.height) : 0;
}

/**
 * The one MaskPlan a device needs, rebuilt only when its rectangles (a new
 * settings object after a reload) or the frame size change: bounded to one
 * plan.
 */
export class MaskCache {
  private rects: readonly Rect[] | undefined;
  private plan: MaskPlan | undefined;
  private width = -1;
  private height = -1;

  for(rects: readonly Rect[], width: number, height: number): MaskPlan | undefined {
    if (rects !== this.rects || width !== this.width || height !== this.height) {
      this.plan = buildMaskPlan(rects, width, height);
      this.rects = rects;
      this.width = width;
      this.height = height;
    }
    return this.plan;
  }
}

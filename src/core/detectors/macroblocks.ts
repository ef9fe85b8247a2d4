import type { GrayFrame } from '../frames/gray-frame.js';
import type { DetectorThresholds, MacroblockResult } from './types.js';

/**
 * Block grid in pixels. JPEG and the H.264/MPEG-2 transforms work on 8x8
 * blocks (16x16 macroblocks are on the same grid), so a broken decode shows
 * steps on every 8th column and row.
 */
export const MACROBLOCK_GRID = 8;
/**
 * Macroblocking when the score exceeds this: the boundary step is more than
 * 1 / (1 - 0.6) = 2.5x the step inside blocks. The farm's captures are mjpeg,
 * itself 8x8-block coded, so clean real captures already score ~35-41; a
 * starved encoder (JPEG q 31, MPEG-2 at 30 kb/s) scores ~70, pixelation ~100.
 * Calibrated on those generated images: there is no real macroblocked capture
 * among the fixtures yet.
 */
export const MACROBLOCK_PERCENT = 60;
/**
 * Below this mean step (luma levels per pixel) on the grid there is no
 * visible blocking whatever the ratio: a flat or black picture scores 0.
 */
export const MACROBLOCK_MIN_BOUNDARY_STEP = 1;

/**
 * Blockiness of a full-resolution frame: the mean absolute step across block
 * boundaries (columns and rows that are multiples of the grid) against the
 * mean step between neighbouring pixels inside blocks. Natural pictures have
 * no preference for the grid (ratio ~1); macroblocking puts edges on it.
 * score = 100 * (1 - inside / boundary), 0 when boundary <= inside.
 */
export function detectMacroblocks(frame: GrayFrame, t?: Partial<DetectorThresholds>): MacroblockResult {
  const threshold = t?.macroblockPercent ?? MACROBLOCK_PERCENT;
  const { data, width, height } = frame;
  let boundarySum = 0;
  let boundaryCount = 0;
  let insideSum = 0;
  let insideCount = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const rowOnGrid = y > 0 && y % MACROBLOCK_GRID === 0;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const p = data[i]!;
      if (x > 0) {
        const d = p - data[i - 1]!;
        const step = d < 0 ? -d : d;
        if (x % MACROBLOCK_GRID === 0) {
          boundarySum += step;
          boundaryCount++;
        } else {
          insideSum += step;
          insideCount++;
        }
      }
      if (y > 0) {
        const d = p - data[i - width]!;
        const step = d < 0 ? -d : d;
        if (rowOnGrid) {
          boundarySum += step;
          boundaryCount++;
        } else {
          insideSum += step;
          insideCount++;
        }
      }
    }
  }
  if (boundaryCount === 0 || insideCount === 0) return { detected: false, score: 0 };
  const boundary = boundarySum / boundaryCount;
  const inside = insideSum / insideCount;
  const score = boundary < MACROBLOCK_MIN_BOUNDARY_STEP || boundary <= inside ? 0 : 100 * (1 - inside / boundary);
  return { detected: score > threshold, score };
}

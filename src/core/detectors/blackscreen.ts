import type { GrayFrame } from '../frames/gray-frame.js';
import type { MaskPlan } from './mask.js';
import type { BlackscreenResult, DetectorThresholds } from './types.js';

/** A pixel is dark at luma <= this (docs/design.md "Per frame"). */
export const DARK_LUMA = 10;
/** Blackscreen when strictly more than this % of the region is dark. */
export const BLACK_PERCENT = 85;
/**
 * The analysed rows, as % of the height: skip the clock/status header at the
 * top and the bottom 30% where a zap banner lives, so a banner over black
 * still counts as black.
 */
export const BLACK_REGION_TOP_PERCENT = 5;
export const BLACK_REGION_BOTTOM_PERCENT = 70;

/** First row of a band starting at `percent` of `height`; integer math so 5% of 180 is exactly 9. */
export function rowAtPercent(height: number, percent: number): number {
  return Math.floor((height * percent) / 100);
}

/**
 * Blackscreen: the share of dark pixels in rows 5%-70%, masked pixels left
 * out of both counts (a clock on a black screen is still a black screen).
 * Like stb-tester's is_screen_black, the verdict carries the number behind it.
 */
export function detectBlackscreen(frame: GrayFrame, t?: Partial<DetectorThresholds>, mask?: MaskPlan): BlackscreenResult {
  const darkLuma = t?.darkLuma ?? DARK_LUMA;
  const blackPercent = t?.blackPercent ?? BLACK_PERCENT;
  const { data, width, height } = frame;
  const start = rowAtPercent(height, BLACK_REGION_TOP_PERCENT) * width;
  const end = rowAtPercent(height, BLACK_REGION_BOTTOM_PERCENT) * width;
  let total = end - start;
  let dark = 0;
  if (mask === undefined || mask.width !== width || mask.height !== height) {
    for (let i = start; i < end; i++) {
      if (data[i]! <= darkLuma) dark++;
    }
  } else {
    const hidden = mask.masked;
    for (let i = start; i < end; i++) {
      if (hidden[i] === 1) total--;
      else if (data[i]! <= darkLuma) dark++;
    }
  }
  const hidden = mask ? { maskedPercent: (mask.maskedPixels * 100) / (width * height) } : {};
  if (total <= 0) return { detected: false, darkPercent: 0, ...hidden };
  // dark * 100 / total (not dark / total * 100) keeps exact thresholds exact: 5525 of 6500 is 85, not 85.00000000000001.
  const darkPercent = (dark * 100) / total;
  return { detected: darkPercent > blackPercent, darkPercent, ...hidden };
}

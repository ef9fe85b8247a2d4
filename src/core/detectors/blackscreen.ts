import type { BlackscreenResult, DetectorThresholds, GrayFrame } from './types.js';

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
 * Blackscreen: the share of dark pixels in rows 5%-70%. Like stb-tester's
 * is_screen_black, the verdict carries the number behind it.
 */
export function detectBlackscreen(frame: GrayFrame, t?: Partial<DetectorThresholds>): BlackscreenResult {
  const darkLuma = t?.darkLuma ?? DARK_LUMA;
  const blackPercent = t?.blackPercent ?? BLACK_PERCENT;
  const { data, width, height } = frame;
  const start = rowAtPercent(height, BLACK_REGION_TOP_PERCENT) * width;
  const end = rowAtPercent(height, BLACK_REGION_BOTTOM_PERCENT) * width;
  const total = end - start;
  if (total <= 0) return { detected: false, darkPercent: 0 };
  let dark = 0;
  for (let i = start; i < end; i++) {
    if (data[i]! <= darkLuma) dark++;
  }
  // dark * 100 / total (not dark / total * 100) keeps exact thresholds exact: 5525 of 6500 is 85, not 85.00000000000001.
  const darkPercent = (dark * 100) / total;
  return { detected: darkPercent > blackPercent, darkPercent };
}

import { rowAtPercent } from './blackscreen.js';
import { edgeDensityPercent } from './edges.js';
import type { GrayFrame } from '../frames/gray-frame.js';
import type { BlackscreenResult, DetectorThresholds, ZapResult } from './types.js';

/**
 * A zap banner (channel logo, name, programme) fills part of the bottom 30%:
 * some edges, but far fewer than live picture content. Both bounds inclusive.
 */
export const BANNER_EDGE_MIN_PERCENT = 3;
export const BANNER_EDGE_MAX_PERCENT = 20;
/** The banner band starts at this % of the height (the bottom 30%). */
export const BANNER_REGION_TOP_PERCENT = 70;

/**
 * Zap (channel change): a blackscreen whose bottom band carries a banner.
 * Edges are computed only when the frame is black: on live content the
 * answer is already "no", and the edge density is then left unknown.
 */
export function detectZap(frame: GrayFrame, black: BlackscreenResult, t?: Partial<DetectorThresholds>): ZapResult {
  if (!black.detected) return { detected: false, edgeDensityPercent: undefined };
  const min = t?.bannerEdgeMinPercent ?? BANNER_EDGE_MIN_PERCENT;
  const max = t?.bannerEdgeMaxPercent ?? BANNER_EDGE_MAX_PERCENT;
  const top = rowAtPercent(frame.height, t?.bannerTopPercent ?? BANNER_REGION_TOP_PERCENT);
  const density = edgeDensityPercent(frame, top, frame.height);
  return { detected: density >= min && density <= max, edgeDensityPercent: density };
}

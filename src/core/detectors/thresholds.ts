import { BLACK_PERCENT, DARK_LUMA } from './blackscreen.js';
import { FREEZE_EARLY_EXIT_PERCENT, FREEZE_PIXEL_DIFF, FREEZE_SAME_PERCENT } from './freeze.js';
import { MACROBLOCK_PERCENT } from './macroblocks.js';
import type { DetectorThresholds } from './types.js';
import { BANNER_EDGE_MAX_PERCENT, BANNER_EDGE_MIN_PERCENT, BANNER_REGION_TOP_PERCENT } from './zap.js';

/** Every detector default in one object, for the command line to override field by field. */
export const DEFAULT_THRESHOLDS: Readonly<Required<DetectorThresholds>> = Object.freeze({
  darkLuma: DARK_LUMA,
  blackPercent: BLACK_PERCENT,
  bannerEdgeMinPercent: BANNER_EDGE_MIN_PERCENT,
  bannerEdgeMaxPercent: BANNER_EDGE_MAX_PERCENT,
  bannerTopPercent: BANNER_REGION_TOP_PERCENT,
  freezePixelDiff: FREEZE_PIXEL_DIFF,
  freezeSamePercent: FREEZE_SAME_PERCENT,
  freezeEarlyExitPercent: FREEZE_EARLY_EXIT_PERCENT,
  macroblockPercent: MACROBLOCK_PERCENT,
});

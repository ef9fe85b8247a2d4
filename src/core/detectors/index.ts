/** The detectors: pure functions over grayscale frames, plus the per-device freeze ring. */
export * from './types.js';
export { DEFAULT_THRESHOLDS } from './thresholds.js';
export { BLACK_PERCENT, BLACK_REGION_BOTTOM_PERCENT, BLACK_REGION_TOP_PERCENT, DARK_LUMA, detectBlackscreen, rowAtPercent } from './blackscreen.js';
export { BANNER_EDGE_MAX_PERCENT, BANNER_EDGE_MIN_PERCENT, BANNER_REGION_TOP_PERCENT, detectZap } from './zap.js';
export { CANNY_HIGH_THRESHOLD, CANNY_LOW_THRESHOLD, EDGE_SCRATCH_MAX_PIXELS, countEdges, edgeDensityPercent } from './edges.js';
export {
  FREEZE_EARLY_EXIT_PERCENT,
  FREEZE_MIN_COMPARISONS,
  FREEZE_PIXEL_DIFF,
  FREEZE_SAME_PERCENT,
  FREEZE_SIZE_MISMATCH_PERCENT,
  detectFreeze,
  diffPercent,
} from './freeze.js';
export { MACROBLOCK_GRID, MACROBLOCK_MIN_BOUNDARY_STEP, MACROBLOCK_PERCENT, detectMacroblocks } from './macroblocks.js';
export { FREEZE_RING_SIZE, FreezeRing } from './freeze-ring.js';

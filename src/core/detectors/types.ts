/**
 * The contract between the detectors and the frame pipeline. Detectors are
 * pure functions over grayscale buffers; each returns its verdict plus the
 * numbers behind it, so JSON and tests can show why.
 */

export interface BlackscreenResult {
  detected: boolean;
  /** Dark pixels in the analysed region (rows 5%-70%), 0-100, of its unmasked pixels. */
  darkPercent: number;
  /** Share of the whole frame hidden by the device's masks, 0-100 (absent: no masks given). */
  maskedPercent?: number;
}

export interface ZapResult {
  /** Blackscreen AND a banner in the bottom 30%. */
  detected: boolean;
  /**
   * Edge pixels in the bottom 30%, 0-100; `undefined` when the frame is not
   * black, because edges are then not computed (unknown, not 0).
   */
  edgeDensityPercent: number | undefined;
}

export interface FreezeResult {
  detected: boolean;
  /**
   * For each comparison made, newest previous first: the seed rule's share
   * of differing pixels, or the motion rule's changed area as a share of the
   * unmasked frame, 0-100.
   */
  diffs: number[];
  /** Which rule judged (absent: the seed rule called directly). */
  rule?: FreezeRule;
  /** Motion rule: changed area of each comparison in capture pixels (counting stops at the early-exit area). */
  changedAreas?: number[];
  /** Motion rule: the device's noise floor (sigma of a frame difference, luma levels). */
  noiseFloor?: number;
  /** Motion rule: a pixel changed when |a-b| is above this (the floor's threshold, at least the pixel diff). */
  pixelThreshold?: number;
  /** Share of the frame hidden by the device's masks, 0-100. */
  maskedPercent?: number;
}

/** `motion`: noise floor + block rule + minimum area (default); `seed`: under 2% of pixels differ by more than 10. */
export type FreezeRule = 'motion' | 'seed';

export interface MacroblockResult {
  detected: boolean;
  /**
   * Blockiness score, 0-100: how much of the gradient energy on 8-pixel block
   * boundaries is in excess of the energy inside blocks (0 = no blocking).
   */
  score: number;
}

/** Every threshold, named as in docs/design.md; defaults live beside each detector. */
export interface DetectorThresholds {
  /** A pixel is dark at luma <= this (10). */
  darkLuma: number;
  /** Blackscreen when more than this % of the region is dark (85). */
  blackPercent: number;
  /** Banner when bottom-30% edge density is within [min, max] % (3, 20). */
  bannerEdgeMinPercent: number;
  bannerEdgeMaxPercent: number;
  /** The zap banner band starts at this % of the height (70: the bottom 30%). */
  bannerTopPercent?: number;
  /** A pixel differs when |a-b| > this (10). */
  freezePixelDiff: number;
  /** A comparison is "same" when under this % of pixels differ (2.0). */
  freezeSamePercent: number;
  /** Stop comparing once one comparison exceeds this % (5). */
  freezeEarlyExitPercent: number;
  /** Macroblocking when the blockiness score exceeds this (optional: --macroblocks only). */
  macroblockPercent?: number;
}

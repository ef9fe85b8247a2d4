/**
 * The contract between the detectors and the frame pipeline. Detectors are
 * pure functions over grayscale buffers; each returns its verdict plus the
 * numbers behind it, so JSON and tests can show why.
 */

/** One decoded 8-bit grayscale image, row-major, `data.length === width * height`. */
export interface GrayFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface BlackscreenResult {
  detected: boolean;
  /** Dark pixels in the analysed region (rows 5%-70%), 0-100. */
  darkPercent: number;
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
  /** Percentage of differing pixels for each comparison made, newest previous first. */
  diffs: number[];
}

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
  /** A pixel differs when |a-b| > this (10). */
  freezePixelDiff: number;
  /** A comparison is "same" when under this % of pixels differ (2.0). */
  freezeSamePercent: number;
  /** Stop comparing once one comparison exceeds this % (5). */
  freezeEarlyExitPercent: number;
  /** Macroblocking when the blockiness score exceeds this (optional: --macroblocks only). */
  macroblockPercent?: number;
}

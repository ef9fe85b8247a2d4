import type { MaskPlan } from './mask.js';
import type { GrayFrame } from '../frames/gray-frame.js';

/**
 * A capture's noise (sensor grain, JPEG re-encoding) makes pixels of a frozen
 * picture differ by a few levels from frame to frame. The noise floor is the
 * standard deviation of the difference between two frames that are otherwise
 * the same, measured on the device's own frames: a pixel counts as changed
 * only when it differs by more than --freeze-pixel-diff plus NOISE_SIGMAS of
 * it. JPEG noise is not Gaussian: it gathers on edges and text, with longer
 * tails than its median suggests, so the floor is a trimmed RMS (the top
 * NOISE_TRIM_PERCENT of differences, where a small moving object would be,
 * left out) and the margin is added to the fixed threshold rather than
 * replacing it.
 */

/** Only every this many rows is sampled: 30 rows of a 320x180 thumbnail, ~9,600 differences, plenty for a median. */
const NOISE_SAMPLE_ROW_STEP = 6;
/** Histogram bins of |difference|; the last one holds everything from NOISE_HISTOGRAM_BINS - 1 up. */
export const NOISE_HISTOGRAM_BINS = 32;
/** A pixel changed when |difference| > pixel diff + NOISE_SIGMAS x the floor. */
const NOISE_SIGMAS = 4;
/** The largest differences left out of the floor's RMS, % of the sample: a ball or a spinner, not noise. */
const NOISE_TRIM_PERCENT = 1;
/**
 * A measurement above this many levels is motion (much of the picture
 * changed), not noise: it does not update the floor. The noisiest capture
 * the tests accept (Gaussian sigma 4, re-encoded) measures about 3.
 */
const NOISE_FLOOR_MAX = 8;
/** Weight of a new measurement in the floor (an exponential average): a few frames settle it, one odd frame does not move it much. */
const NOISE_AVERAGE_WEIGHT = 0.2;

/**
 * The noise floor of one device: one number, plus a histogram scratch of
 * NOISE_HISTOGRAM_BINS counters reused by every measurement.
 */
export class NoiseFloor {
  private readonly histogram = new Uint32Array(NOISE_HISTOGRAM_BINS);
  private sigma: number | undefined;

  /** Current floor (sigma of a frame difference, luma levels); 0 before the first measurement. */
  get value(): number {
    return this.sigma ?? 0;
  }

  /** The per-pixel threshold the floor implies: `pixelDiff` plus the noise margin. */
  threshold(pixelDiff: number): number {
    return pixelDiff + Math.round(NOISE_SIGMAS * this.value);
  }

  /**
   * Measure the difference between two same-size frames on a sample of rows
   * (masked pixels left out) and fold it into the floor unless it looks like
   * motion. Returns the measurement (or undefined when nothing was sampled).
   */
  measure(a: GrayFrame, b: GrayFrame, plan?: MaskPlan): number | undefined {
    const estimate = this.estimate(a, b, plan);
    if (estimate === undefined || estimate > NOISE_FLOOR_MAX) return estimate;
    this.sigma = this.sigma === undefined ? estimate : this.sigma + NOISE_AVERAGE_WEIGHT * (estimate - this.sigma);
    return estimate;
  }

  private estimate(a: GrayFrame, b: GrayFrame, plan?: MaskPlan): number | undefined {
    const hist = this.histogram;
    hist.fill(0);
    const { width, height } = a;
    const x = a.data;
    const y = b.data;
    const last = NOISE_HISTOGRAM_BINS - 1;
    const masked = plan?.masked;
    let n = 0;
    for (let row = NOISE_SAMPLE_ROW_STEP >> 1; row < height; row += NOISE_SAMPLE_ROW_STEP) {
      const end = (row + 1) * width;
      for (let i = row * width; i < end; i++) {
        if (masked !== undefined && masked[i] === 1) continue;
        const d = x[i]! - y[i]!;
        const ad = d < 0 ? -d : d;
        hist[ad < last ? ad : last]!++;
        n++;
      }
    }
    if (n === 0) return undefined;
    // RMS of the smallest (100 - NOISE_TRIM_PERCENT)% of differences, from the histogram.
    let keep = n - Math.floor((n * NOISE_TRIM_PERCENT) / 100);
    let kept = 0;
    let squares = 0;
    for (let k = 0; k < NOISE_HISTOGRAM_BINS && keep > 0; k++) {
      const count = Math.min(hist[k]!, keep);
      squares += count * k * k;
      kept += count;
      keep -= count;
    }
    return Math.sqrt(squares / kept);
  }
}

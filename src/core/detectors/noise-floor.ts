import type { MaskPlan } from './mask.js';
import type { GrayFrame } from './types.js';

/**
 * A capture's noise (sensor grain, JPEG re-encoding) makes pixels of a frozen
 * picture differ by a few levels from frame to frame. The noise floor is the
 * standard deviation of the difference between two frames that are otherwise
 * the same, measured on the device's own frames: a pixel counts as changed
 * only when it differs by more than NOISE_SIGMAS of it (and never by less
 * than --freeze-pixel-diff).
 */

/** Only every this many rows is sampled: 30 rows of a 320x180 thumbnail, ~9,600 differences, plenty for a median. */
export const NOISE_SAMPLE_ROW_STEP = 6;
/** Histogram bins of |difference|; the last one holds everything from NOISE_HISTOGRAM_BINS - 1 up. */
export const NOISE_HISTOGRAM_BINS = 32;
/** A pixel changed when |difference| > NOISE_SIGMAS x the floor: Gaussian noise crosses 4 sigma on 0.006% of pixels. */
export const NOISE_SIGMAS = 4;
/**
 * A comparison whose median difference means more than this sigma is motion
 * (most of the picture changed), not noise: it does not update the floor.
 * 8 levels is twice the grain of the noisiest capture the tests accept.
 */
export const NOISE_FLOOR_MAX = 8;
/** Weight of a new measurement in the floor (an exponential average): a few frames settle it, one odd frame does not move it much. */
export const NOISE_AVERAGE_WEIGHT = 0.2;
/** sigma = 1.4826 x the median absolute difference, for Gaussian noise. */
const MEDIAN_TO_SIGMA = 1.4826;

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

  /** The per-pixel threshold the floor implies: never under `pixelDiff`. */
  threshold(pixelDiff: number): number {
    return Math.max(pixelDiff, Math.round(NOISE_SIGMAS * this.value));
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
    // Median of |d|, interpolated inside its bin: integer differences would otherwise make the floor jump by whole levels.
    const half = n / 2;
    let below = 0;
    for (let k = 0; k < NOISE_HISTOGRAM_BINS; k++) {
      const count = hist[k]!;
      if (below + count >= half) {
        const lower = k === 0 ? 0 : k - 0.5;
        const width = k === 0 ? 0.5 : 1;
        return MEDIAN_TO_SIGMA * (lower + (width * (half - below)) / count);
      }
      below += count;
    }
    return MEDIAN_TO_SIGMA * last;
  }
}

import type { MaskPlan } from './mask.js';
import type { GrayFrame } from '../frames/gray-frame.js';

/**
 * A capture's noise (sensor grain, JPEG re-encoding) makes the pixels of a
 * still picture differ by a few levels from frame to frame. The motion rule
 * measures it on the very pair it judges, so nothing learnt on one scene
 * carries into the next (a floor learnt on a bright busy scene took ~5 s to
 * forget it and called the dark scene after it frozen: issue 23).
 *
 * Noise and motion differ by structure: noise is independent from pixel to
 * pixel, while a moving edge, a fade or a brightening changes neighbours
 * alike. So the estimate is taken on the residual of the difference
 * (d(x) - d(x+1), d = a - b): it keeps the noise (sigma x sqrt 2) and
 * cancels what is smooth. Moving edges still leave large residuals; they
 * are few, and the top NOISE_TRIM_PERCENT are left out of the RMS.
 */

/** Only every this many rows is sampled: 30 rows of a 320x180 thumbnail, ~9,600 residuals, plenty for an RMS. */
const NOISE_SAMPLE_ROW_STEP = 6;
/** Histogram bins of |residual|; the last one holds everything from NOISE_HISTOGRAM_BINS - 1 up. */
export const NOISE_HISTOGRAM_BINS = 64;
/** The largest residuals left out of the RMS, % of the sample: moving edges, JPEG ringing at an encoder refresh. */
const NOISE_TRIM_PERCENT = 2;
/** A pixel changed when |a - b| > pixel diff + NOISE_SIGMAS x the pair's noise. */
export const NOISE_SIGMAS = 4;
/**
 * The noise estimate is capped at this many levels: the noisiest still the
 * tests accept (sigma 8 on the capture) measures ~7.5 on the thumbnail; a
 * busy moving picture measures far more, and must not raise its own
 * threshold past the motion it shows.
 */
export const NOISE_SIGMA_MAX = 8;

/**
 * The noise (sigma of a frame difference, luma levels) of one same-size
 * pair, from a sample of rows, masked pixels left out; 0 when nothing was
 * sampled. `histogram` is the caller's scratch of NOISE_HISTOGRAM_BINS
 * counters (reused: no allocation per frame).
 */
export function pairNoise(a: GrayFrame, b: GrayFrame, histogram: Uint32Array, plan?: MaskPlan): number {
  histogram.fill(0);
  const { width, height } = a;
  const x = a.data;
  const y = b.data;
  const last = NOISE_HISTOGRAM_BINS - 1;
  const masked = plan?.masked;
  let n = 0;
  for (let row = NOISE_SAMPLE_ROW_STEP >> 1; row < height; row += NOISE_SAMPLE_ROW_STEP) {
    const end = (row + 1) * width - 1;
    for (let i = row * width; i < end; i++) {
      if (masked !== undefined && (masked[i] === 1 || masked[i + 1] === 1)) continue;
      const r = x[i]! - y[i]! - (x[i + 1]! - y[i + 1]!);
      const ar = r < 0 ? -r : r;
      histogram[ar < last ? ar : last]!++;
      n++;
    }
  }
  if (n === 0) return 0;
  // RMS of the smallest (100 - NOISE_TRIM_PERCENT)% of residuals, from the histogram.
  let keep = n - Math.floor((n * NOISE_TRIM_PERCENT) / 100);
  let kept = 0;
  let squares = 0;
  for (let k = 0; k < NOISE_HISTOGRAM_BINS && keep > 0; k++) {
    const count = Math.min(histogram[k]!, keep);
    squares += count * k * k;
    kept += count;
    keep -= count;
  }
  return Math.min(NOISE_SIGMA_MAX, Math.sqrt(squares / kept) / Math.SQRT2);
}

/** The per-pixel threshold for a pair: `pixelDiff` plus the noise margin. */
export function noiseThreshold(pixelDiff: number, noise: number): number {
  return pixelDiff + Math.round(NOISE_SIGMAS * noise);
}

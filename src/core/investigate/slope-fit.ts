/**
 * The growth of a series: the least-squares slope with its standard error and one-sided 95%
 * confidence bounds (Student's t with n - 2 degrees of freedom).
 *
 * Why least squares and not Theil-Sen (the median of pairwise slopes, which resists outliers):
 * the RSS of a garbage-collected process is a sawtooth, a slow climb and a sudden drop. The drop
 * is a few points, so most pairs lie on a climb and their median reads the teeth as growth; least
 * squares takes the drops as large residuals, which widen the bounds instead. Simulated with
 * `node bench/trend-fit.bench.mjs` (40 MB teeth, 2 MB noise, 30 s samples over 30 min, the worst
 * of 70 phases of the tooth): with a tooth every 20 min, Theil-Sen's lower bound reached
 * +21.3 MB/hour (a false leak at 10 MB/hour), least squares' -2.5; every 7 min, -3.3 and -10.0.
 * A real 400 MB/hour leak under the same teeth: lower bounds of at least 376 (least squares) and
 * 382 MB/hour (Theil-Sen).
 *
 * The bounds assume independent residuals; a sawtooth's are not, which the minimum span (several
 * GC cycles) and the leak threshold cover.
 */

export interface SlopeEstimate {
  /** y units per x unit. */
  slope: number;
  standardError: number;
  /** One-sided 95% bounds: the true slope is above `lower` (below `upper`) 95 times in 100. */
  lower: number;
  upper: number;
}

/** The normal distribution's one-sided 95% quantile. */
const Z_95 = 1.6449;

/** Student's t one-sided 95% quantile for `df` degrees of freedom (Cornish-Fisher: 1.8% low at df 3, within 0.5% from df 5). */
export function tQuantile95(df: number): number {
  const z = Z_95;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** undefined with fewer than 3 points or all at one x: no slope, or no error to put on it. */
export function fitSlope(points: readonly { x: number; y: number }[]): SlopeEstimate | undefined {
  const n = points.length;
  if (n < 3) return undefined;
  let meanX = 0;
  let meanY = 0;
  for (const p of points) {
    meanX += p.x / n;
    meanY += p.y / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  let residuals = 0;
  for (const p of points) residuals += (p.y - meanY - slope * (p.x - meanX)) ** 2;
  const standardError = Math.sqrt(residuals / (n - 2) / sxx);
  const margin = tQuantile95(n - 2) * standardError;
  return { slope, standardError, lower: slope - margin, upper: slope + margin };
}

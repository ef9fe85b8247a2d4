/**
 * When the report judges a memory trend at all, and when it calls a leak. Each bound is a flag of
 * `vpt investigate` (docs/investigate.md); the defaults are here, in one place.
 */

export interface TrendRules {
  /** How far back the health samples are read. */
  windowMs: number;
  /** A series shorter than this (first to last usable sample) is not judged. */
  minSpanMs: number;
  /** A series with fewer usable samples than this is not judged. */
  minSamples: number;
  /** Samples taken this soon after a process started are left out: imports, caches and JIT fill up then. */
  warmupMs: number;
}

/** --trend-min-samples may not go below this: a slope's confidence bounds need a few points. */
export const MIN_TREND_SAMPLES = 5;

export const DEFAULT_TREND_RULES: TrendRules = {
  // Long enough for the 2-hour leak a farm host shows before a capture dies, short enough to read
  // (3 h at 30 s: 360 samples per process, a few hundred KB of JSON lines).
  windowMs: 3 * 3_600_000,
  // Longer than several garbage-collection cycles of the farm's Python and Node processes
  // (minutes each), so one tooth of the sawtooth is never read as a trend.
  minSpanMs: 30 * 60_000,
  // 30 min at one sample a minute (cron) is 30; at 30 s, 60. Fewer means the timer stopped for a while.
  minSamples: 20,
  // `vpt monitor` grew ~840 MB/hour over its first seconds (issue 24): start-up, not a leak.
  warmupMs: 10 * 60_000,
};

/**
 * A leak is called only when the lower confidence bound of the growth is above this: below it,
 * allocator noise and slow caches (a 1 GB alert is 4 days away at 10 MB/hour; the per-process
 * memory alert still catches what grows slower).
 */
export const LEAK_MIN_MB_PER_HOUR = 10;

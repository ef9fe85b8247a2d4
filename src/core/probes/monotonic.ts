/**
 * Milliseconds on the monotonic clock. The probes and the health sample use this rather than
 * `performance.now()`: the `performance` global loads perf_hooks and a dozen internal modules on
 * first use, a measurable share of a 30 s health sample's start-up.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

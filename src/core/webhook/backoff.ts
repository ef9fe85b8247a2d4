/** First retry waits up to this long. */
export const RETRY_BASE_MS = 1_000;
/** No retry waits longer than this: an endpoint back up is noticed within 5 minutes. */
export const RETRY_CAP_MS = 5 * 60_000;

/** Never retry sooner: full jitter can draw ~0, and a dead endpoint answering at once would spin the loop. */
export const RETRY_FLOOR_MS = 50;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"): a uniform delay in [0, min(cap, base * 2^(n-1))).
 * Many hosts of a farm retrying one endpoint then spread out instead of
 * arriving in waves. `attempts` is the number of failures so far (>= 1).
 */
export function backoffDelayMs(attempts: number, random: () => number, baseMs = RETRY_BASE_MS, capMs = RETRY_CAP_MS): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30); // 2^30 s is far beyond any cap
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.max(Math.min(RETRY_FLOOR_MS, ceiling), Math.floor(random() * ceiling));
}

/** Worth retrying: the endpoint is unwell (5xx), overloaded (429) or timed out (408); other 4xx reject the request itself. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

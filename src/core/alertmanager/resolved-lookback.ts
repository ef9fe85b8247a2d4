/**
 * A resolution older than this is not posted to Alertmanager any more: by
 * then the firing alert's own endsAt has resolved it there. Until then it is
 * owed, and `vpt incidents prune` and retention keep its incident.
 */
export const RESOLVED_LOOKBACK_MS = 24 * 3600_000;

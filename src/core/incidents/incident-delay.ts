/**
 * How long an event lasts before it opens an incident (`--incident-delay`).
 * Its own module so the command line can show it without loading the
 * incident store (and SQLite) that the tracker needs.
 */
export const DEFAULT_INCIDENT_DELAY_MS = 30_000;

/** `--keep-incidents`: incidents resolved longer ago than this are pruned by the monitor's sweeper. */
export const DEFAULT_KEEP_INCIDENTS_MS = 90 * 86_400_000;

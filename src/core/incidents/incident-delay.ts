/**
 * How long an event lasts before it opens an incident (`--incident-delay`).
 * Its own module so the command line can show it without loading the
 * incident store (and SQLite) that the tracker needs.
 */
export const DEFAULT_INCIDENT_DELAY_MS = 30_000;

/**
 * The `schema_version` of each machine output (docs/schemas/<name>.schema.json).
 * Bumped when a field is renamed, removed or changes meaning; adding a field
 * does not bump it. Every bump is a line in CHANGELOG.md.
 */
export const SCHEMA_VERSION = {
  /** `vpt monitor --replay --json` (the interrupted summary too). */
  replaySummary: 1,
  /** Each line of `vpt monitor --json`. */
  monitorEvent: 1,
  /** `<state-dir>/status.json`: 2 since `format` became `schema_version`. */
  statusFile: 2,
  /** `vpt status --json`. */
  statusCommand: 1,
  /** `/api/status` and `/api/incidents`. */
  apiStatus: 1,
  apiIncidents: 1,
  /** `vpt incidents --json`: list, show and prune. */
  incidentsList: 1,
  incidentsShow: 1,
  incidentsPrune: 1,
  /** The webhook's POST body, and the `schema_version` annotation of an Alertmanager alert. */
  webhook: 1,
  alertmanagerAlert: 1,
  /** `metadata/capture_NNNNNNNNN.json` and `metadata/<H>/chunk_10min_<N>.json`. */
  frameJson: 1,
  chunk: 1,
  /** `vpt investigate --json`; `--health --json` and each line of health_YYYYMMDD.jsonl (2: snake_case, `version` became `schema_version`). */
  investigateReport: 1,
  healthSample: 2,
  /** `vpt investigate --install-* --json`. */
  investigateInstall: 1,
  journaldLimits: 1,
  tmpClean: 1,
  /** `vpt monitor --check-config --json`. */
  checkConfig: 1,
} as const;

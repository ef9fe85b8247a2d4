import type { AnyIncidentType } from '../events/types.js';

/** The action key of the monitor's own memory alert (`--memory-alert`), next to the incident types. */
export const MEMORY_ALERT_ACTION = 'memory_alert';
export type ActionTrigger = AnyIncidentType | typeof MEMORY_ALERT_ACTION;

/** Arguments an action may have: a command line, not a script. */
export const MAX_ACTION_ARGS = 64;
/** Default timeout of one run: `systemctl restart` of a capture unit takes seconds; a hung command is killed. */
export const DEFAULT_ACTION_TIMEOUT_MS = 60_000;
/** Default rate limit: at most this many runs per device and trigger ... */
export const DEFAULT_MAX_RUNS = 3;
/** ... within this window (3 an hour: a restart that does not help is not tried forever). */
export const DEFAULT_RATE_WINDOW_MS = 3_600_000;
/** Default wait before the second run of a window; each later run waits twice the one before (1, 2, 4 min ...). */
export const DEFAULT_BACKOFF_MS = 60_000;

export interface ActionSpec {
  command: readonly string[];
  timeoutMs: number;
}

export interface ActionSettings {
  dryRun: boolean;
  maxRuns: number;
  rateWindowMs: number;
  backoffMs: number;
  actions: Partial<Record<ActionTrigger, ActionSpec>>;
}

/** No `[actions]`: nothing runs (the default). */
export const NO_ACTIONS: ActionSettings = {
  dryRun: false,
  maxRuns: DEFAULT_MAX_RUNS,
  rateWindowMs: DEFAULT_RATE_WINDOW_MS,
  backoffMs: DEFAULT_BACKOFF_MS,
  actions: {},
};

export interface ActionsInput {
  dry_run?: boolean;
  max_runs?: number;
  rate_window?: number;
  backoff?: number;
  timeout?: number;
  [trigger: string]: unknown;
}

/** `[actions]` as parsed (durations in ms) -> the runner's settings, defaults filled in. */
export function actionSettingsFrom(section: ActionsInput | undefined): ActionSettings {
  if (!section) return NO_ACTIONS;
  const timeoutMs = section.timeout ?? DEFAULT_ACTION_TIMEOUT_MS;
  const actions: ActionSettings['actions'] = {};
  for (const [key, value] of Object.entries(section)) {
    if (typeof value !== 'object' || value === null || !('command' in value)) continue;
    const spec = value as { command: string[]; timeout?: number };
    actions[key as ActionTrigger] = { command: spec.command, timeoutMs: spec.timeout ?? timeoutMs };
  }
  return {
    dryRun: section.dry_run ?? false,
    maxRuns: section.max_runs ?? DEFAULT_MAX_RUNS,
    rateWindowMs: section.rate_window ?? DEFAULT_RATE_WINDOW_MS,
    backoffMs: section.backoff ?? DEFAULT_BACKOFF_MS,
    actions,
  };
}

/** The command with its placeholders filled: %d device, %i incident id, %t type, %% a percent sign. */
export function expandCommand(command: readonly string[], values: { device: string; incidentId: number | undefined; type: string }): string[] {
  return command.map((arg) =>
    arg.replace(/%([dit%])/g, (_, key: string) =>
      key === 'd' ? values.device : key === 'i' ? (values.incidentId === undefined ? '' : String(values.incidentId)) : key === 't' ? values.type : '%',
    ),
  );
}

import { z } from 'zod';
import { ALL_INCIDENT_TYPES } from '../events/types.js';
import { parseDuration } from '../units.js';
import { MAX_ACTION_ARGS, MEMORY_ALERT_ACTION } from './action-settings.js';

/**
 * `[actions]` in vpt.toml: per incident type (and `memory_alert`, the
 * monitor's own memory alert) an optional command, as an argument vector,
 * run when the incident opens. Checked like the rest of the file: unknown
 * keys and bad values name their line.
 */
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text, 'time span');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a time span; use e.g. "30s", "10min", "1h"` });
    return z.NEVER;
  }
});

const action = z.strictObject({
  /** argv: no shell unless the user writes ["sh", "-c", "..."]. */
  command: z.array(z.string().min(1).max(4096)).min(1).max(MAX_ACTION_ARGS),
  timeout: duration.optional(),
});

const actionShape = Object.fromEntries([...ALL_INCIDENT_TYPES, MEMORY_ALERT_ACTION].map((t) => [t, action.optional()])) as Record<
  (typeof ALL_INCIDENT_TYPES)[number] | typeof MEMORY_ALERT_ACTION,
  z.ZodOptional<typeof action>
>;

export const actionsSection = z.strictObject({
  /** Log what would run, run nothing. */
  dry_run: z.boolean().optional(),
  /** Runs per device (and incident type) within rate_window. */
  max_runs: z.number().int().min(1).max(100).optional(),
  rate_window: duration.optional(),
  /** The wait before the second run of a window; doubled for each run after. */
  backoff: duration.optional(),
  timeout: duration.optional(),
  ...actionShape,
});

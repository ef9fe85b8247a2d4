/**
 * The shape check of a status.json read back: every field a reader prints or
 * judges has its type, so a hand-edited or damaged file is one line
 * (Nagios unknown) and never `Cannot read properties of null` later.
 * Returns the first problem, or undefined when the snapshot is sound.
 */
export function statusShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'it is not a JSON object';
  const s = value as Record<string, unknown>;
  const top = firstBad(s, {
    pid: isCount,
    vpt_version: isString,
    host: isString,
    started_at: isTime,
    written_at: isTime,
    uptime_ms: isCount,
    rss_bytes: isCount,
    stall_after_ms: isCount,
    devices: Array.isArray,
  });
  if (top) return top;
  if (s.cpu_percent !== undefined && !isNumber(s.cpu_percent)) return 'cpu_percent is not a number';
  for (const [i, device] of (s.devices as unknown[]).entries()) {
    const problem = deviceProblem(device);
    if (problem) return `devices[${i}]: ${problem}`;
  }
  return undefined;
}

function deviceProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  const d = value as Record<string, unknown>;
  const bad = firstBad(d, {
    device: isString,
    last_sequence: orNull(isCount),
    last_frame_at: orNull(isTime),
    last_frame_age_ms: orNull(isNumber),
    fps: isNumber,
    frames_analysed: isCount,
    frames_dropped: isCount,
    frames_bad: isCount,
    queued: isCount,
    behind: isBoolean,
    states: isObject,
    open_events: Array.isArray,
  });
  if (bad) return bad;
  // The frame account came later in the same schema_version: a file without it is sound, a wrong one is not.
  for (const key of FRAME_ACCOUNT_FIELDS) if (d[key] !== undefined && !isCount(d[key])) return `${key} has the wrong type`;
  const states = firstBad(d.states as Record<string, unknown>, {
    black: isBoolean,
    frozen: isBoolean,
    stalled: isBoolean,
    audio: (v) => v === 'ok' || v === 'lost' || v === 'stalled' || v === 'unknown',
  });
  return states ? `states.${states}` : undefined;
}

const FRAME_ACCOUNT_FIELDS = ['frames_seen', 'frames_sampled', 'frames_failed', 'frames_superseded', 'frames_pending'];

type Check = (value: unknown) => boolean;

function firstBad(object: Record<string, unknown>, checks: Record<string, Check>): string | undefined {
  for (const [key, check] of Object.entries(checks)) {
    if (!Object.hasOwn(object, key)) return `${key} is missing`;
    if (!check(object[key])) return `${key} has the wrong type`;
  }
  return undefined;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);

import { DEFAULT_SWEEP_INTERVAL_MS } from '../cache/sweeper-registry.js';
import { DEFAULT_FREEZE_RULE, MOTION_MIN_AREA } from '../detectors/freeze-judge.js';
import { DEFAULT_THRESHOLDS } from '../detectors/thresholds.js';
import { CLEAR_TIME_MS, MIN_EVENT_MS } from '../events/event-tracker.js';
import { MIN_SILENCE_MS, SILENCE_DB } from '../audio/silence-runs.js';
import { CAPTURE_SIZE } from '../frames/frame-size.js';
import { DEFAULT_INCIDENT_DELAY_MS, DEFAULT_KEEP_INCIDENTS_MS } from '../incidents/incident-delay.js';
import { DEFAULT_STREAM_ROOT } from '../layout/stream-root.js';
import { DEFAULT_QUEUE_LIMIT } from '../live/frame-queue.js';
import { DEFAULT_STALL_AFTER_MS } from '../live/stall-watch.js';
import { DEFAULT_MEMORY_ALERT_BYTES, DEFAULT_MEMORY_LOG_INTERVAL_MS } from '../memory/self-memory.js';
import { formatTimeSpan } from '../units.js';
import type { Rect } from '../detectors/mask.js';

/**
 * THE table of `vpt monitor`'s settings: one row per setting. Everything else
 * is derived from it:
 *
 * - the commander options of `vpt monitor` (src/monitor-flags.ts: `flag`, `help`, `default`, `env`);
 * - the options type `MonitorSettingValues` (the row's `key`, its `kind`, whether it has a `default`);
 * - the flags the printed systemd unit carries (`unit: true`, src/commands/monitor/unit-args.ts);
 * - the schema of vpt.toml (config-schema.ts: `toml`; `scope: 'device'` rows may also
 *   appear in `[devices.<name>]`);
 * - the per-device resolution (effective-settings.ts: flag > `[devices.<name>]` > `[monitor]` > default).
 *
 * Adding a setting is one row here plus its use: a `process` row is read as
 * `options.<key>`; a `device` row reaches the pipeline in `DeviceSettings`
 * (device-settings.ts; add the field there and in `deviceSettings()`).
 * Every time span (`kind: 'span'`) has a named floor and ceiling, checked
 * by `spanProblem` for a flag and a vpt.toml value alike.
 *
 * This module is imported by cli.ts on every start: it imports constants
 * only (no zod, no commander, nothing that opens a file).
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `--heartbeat` default: one line per device every 5 minutes (--demo uses its own). */
export const DEFAULT_HEARTBEAT_MS = 5 * MINUTE;

/** Timers that repeat (heartbeat, sweeps, the memory probe): below a second they would busy the event loop. */
export const REPEAT_FLOOR_MS = SECOND;
/** A repeat longer than a year is "never" said badly: refused. Above 2^31-1 ms the timer is chained (lifecycle/long-interval.ts). */
export const REPEAT_CEILING_MS = 365 * DAY;
/** Event timing (min event, clear time, incident delay): 0 is allowed (at once), a day is more than any event a person waits for. */
export const EVENT_SPAN_CEILING_MS = DAY;
/** A stall shorter than this is a frame interval (VNC writes every 0.5 s): it would open on every hiccup. */
export const STALL_AFTER_FLOOR_MS = SECOND;
/** No frame for a week is long past any stall a person would want to be told about. */
export const STALL_AFTER_CEILING_MS = 7 * DAY;
/** A silence shorter than a level window (50 ms) cannot be measured. */
export const SILENCE_FLOOR_MS = 50;
/** Retention under an hour would prune incidents still being looked at. */
export const KEEP_INCIDENTS_FLOOR_MS = HOUR;
/** Ten years: beyond it the cutoff is before any incident this tool wrote. */
export const KEEP_INCIDENTS_CEILING_MS = 3_650 * DAY;

export type SettingScope = 'process' | 'device';

interface RowBase {
  /** The options key (camelCase of the flag). */
  key: string;
  /** `--name <arg>` as commander takes it; absent: vpt.toml only. */
  flag?: string;
  /** The vpt.toml key (snake_case of the flag); absent: a flag only. */
  toml?: string;
  help: string;
  /** process: one value for the monitor; device: `[devices.<name>]` may set it per device. */
  scope: SettingScope;
  /** The printed systemd unit carries the flag when its value is not the default. */
  unit: boolean;
  /** Environment variable commander reads the flag from. */
  env?: string;
}

export interface SpanRow extends RowBase {
  kind: 'span';
  default?: number;
  floor: number;
  ceiling: number;
}
export interface SizeRow extends RowBase {
  kind: 'size';
  default?: number;
}
export interface NumberRow extends RowBase {
  kind: 'integer' | 'number';
  default?: number;
  min: number;
  max: number;
}
export interface ChoiceRow extends RowBase {
  kind: 'choice';
  choices: readonly string[];
  default?: string;
}
/** A switch that is off by default (`--macroblocks`). */
export interface SwitchRow extends RowBase {
  kind: 'switch';
}
/** A switch that is on by default and turned off with `--no-<name>` (`--no-audio`, `audio = false`). */
export interface OnSwitchRow extends RowBase {
  kind: 'on-switch';
}
export interface TextRow extends RowBase {
  kind: 'text';
  default?: string;
}
export interface DevicesRow extends RowBase {
  kind: 'devices';
}
export interface RectsRow extends RowBase {
  kind: 'rects';
}

export type SettingRow = SpanRow | SizeRow | NumberRow | ChoiceRow | SwitchRow | OnSwitchRow | TextRow | DevicesRow | RectsRow;

export const MONITOR_SETTINGS = [
  {
    key: 'devices',
    flag: '--devices <list>',
    toml: 'devices',
    kind: 'devices',
    help: 'comma-separated device folders (default: active_captures.conf, else every capture*)',
    scope: 'process',
    unit: true,
  },
  {
    key: 'streamRoot',
    flag: '--stream-root <dir>',
    toml: 'stream_root',
    kind: 'text',
    default: DEFAULT_STREAM_ROOT,
    env: 'VPT_STREAM_ROOT',
    help: 'folder holding the device folders',
    scope: 'process',
    unit: true,
  },
  {
    key: 'stateDir',
    flag: '--state-dir <dir>',
    toml: 'state_dir',
    kind: 'text',
    env: 'VPT_STATE_DIR',
    help: 'where incidents.db and the lock live (default /var/lib/vpt, else ~/.local/state/vpt)',
    scope: 'process',
    unit: true,
  },
  {
    key: 'fps',
    flag: '--fps <n>',
    toml: 'fps',
    kind: 'integer',
    min: 1,
    max: 240,
    help: 'frames per second of the captures (default 5, VNC devices 2)',
    scope: 'device',
    unit: true,
  },
  { key: 'macroblocks', flag: '--macroblocks', toml: 'macroblocks', kind: 'switch', help: 'also detect macroblocking (slower)', scope: 'device', unit: true },
  {
    key: 'incidentDelay',
    flag: '--incident-delay <time>',
    toml: 'incident_delay',
    kind: 'span',
    default: DEFAULT_INCIDENT_DELAY_MS,
    floor: 0,
    ceiling: EVENT_SPAN_CEILING_MS,
    help: 'an event lasting this long opens an incident',
    scope: 'process',
    unit: true,
  },
  {
    key: 'minEvent',
    flag: '--min-event <time>',
    toml: 'min_event',
    kind: 'span',
    default: MIN_EVENT_MS,
    floor: 0,
    ceiling: EVENT_SPAN_CEILING_MS,
    help: 'events shorter than this are ignored',
    scope: 'device',
    unit: true,
  },
  {
    key: 'minSilence',
    flag: '--min-silence <time>',
    toml: 'min_silence',
    kind: 'span',
    default: MIN_SILENCE_MS,
    floor: SILENCE_FLOOR_MS,
    ceiling: EVENT_SPAN_CEILING_MS,
    help: 'an audio_loss event needs silence this long (its --min-event; ffmpeg silencedetect defaults to 2s too)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'silenceDb',
    flag: '--silence-db <dB>',
    toml: 'silence_db',
    kind: 'number',
    default: SILENCE_DB,
    min: -120,
    max: 0,
    help: 'sound under this level (dBFS, RMS over 50 ms) is silence (ffmpeg silencedetect: -60)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'stallAfter',
    flag: '--stall-after <time>',
    toml: 'stall_after',
    kind: 'span',
    default: DEFAULT_STALL_AFTER_MS,
    floor: STALL_AFTER_FLOOR_MS,
    ceiling: STALL_AFTER_CEILING_MS,
    help: 'no new frame (or audio segment) for this long: capture_stalled (segments_stalled)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'heartbeat',
    flag: '--heartbeat <time>',
    toml: 'heartbeat',
    kind: 'span',
    default: DEFAULT_HEARTBEAT_MS,
    floor: REPEAT_FLOOR_MS,
    ceiling: REPEAT_CEILING_MS,
    help: 'one status line per device this often (10s under --demo)',
    scope: 'process',
    unit: true,
  },
  {
    key: 'keepIncidents',
    flag: '--keep-incidents <time>',
    toml: 'keep_incidents',
    kind: 'span',
    default: DEFAULT_KEEP_INCIDENTS_MS,
    floor: KEEP_INCIDENTS_FLOOR_MS,
    ceiling: KEEP_INCIDENTS_CEILING_MS,
    help: 'incidents older than this are pruned by the sweeper',
    scope: 'process',
    unit: true,
  },
  {
    key: 'queueLimit',
    flag: '--queue-limit <n>',
    toml: 'queue_limit',
    kind: 'integer',
    default: DEFAULT_QUEUE_LIMIT,
    min: 1,
    max: 1_000_000,
    help: 'frames waiting per device before the oldest are dropped',
    scope: 'process',
    unit: true,
  },
  {
    key: 'sweepInterval',
    flag: '--sweep-interval <time>',
    toml: 'sweep_interval',
    kind: 'span',
    default: DEFAULT_SWEEP_INTERVAL_MS,
    floor: REPEAT_FLOOR_MS,
    ceiling: REPEAT_CEILING_MS,
    help: 'how often cache sweepers run',
    scope: 'process',
    unit: true,
  },
  {
    key: 'memoryLogInterval',
    flag: '--memory-log-interval <time>',
    toml: 'memory_log_interval',
    kind: 'span',
    default: DEFAULT_MEMORY_LOG_INTERVAL_MS,
    floor: REPEAT_FLOOR_MS,
    ceiling: REPEAT_CEILING_MS,
    help: 'how often the monitor logs its own RSS',
    scope: 'process',
    unit: true,
  },
  {
    key: 'memoryAlert',
    flag: '--memory-alert <size>',
    toml: 'memory_alert',
    kind: 'size',
    default: DEFAULT_MEMORY_ALERT_BYTES,
    help: 'warn when the monitor RSS exceeds this',
    scope: 'process',
    unit: true,
  },
  {
    key: 'webhook',
    flag: '--webhook <url>',
    toml: 'webhook',
    kind: 'text',
    env: 'VPT_WEBHOOK',
    help: 'POST each opened/resolved incident as JSON to this URL (user:password@ becomes Basic auth)',
    scope: 'process',
    unit: true,
  },
  {
    key: 'listen',
    flag: '--listen <address:port>',
    toml: 'listen',
    kind: 'text',
    help: 'serve the status page, /api and /metrics here; "off" for none (default 127.0.0.1:9842; --demo: a free port)',
    scope: 'process',
    unit: true,
  },
  {
    key: 'alertmanager',
    flag: '--alertmanager <url>',
    toml: 'alertmanager',
    kind: 'text',
    help: 'post open incidents as alerts to this Alertmanager (its base URL), resolved when they end',
    scope: 'process',
    unit: true,
    env: 'VPT_ALERTMANAGER',
  },
  {
    key: 'publicUrl',
    flag: '--public-url <url>',
    toml: 'public_url',
    kind: 'text',
    help: 'the status page as people open it: webhook and Alertmanager payloads link to each incident and its clip there',
    scope: 'process',
    unit: true,
  },
  {
    key: 'blackThreshold',
    flag: '--black-threshold <percent>',
    toml: 'black_threshold',
    kind: 'number',
    default: DEFAULT_THRESHOLDS.blackPercent,
    min: 0,
    max: 100,
    help: 'blackscreen when more than this % of the region is dark',
    scope: 'device',
    unit: true,
  },
  {
    key: 'darkLuma',
    flag: '--dark-luma <n>',
    toml: 'dark_luma',
    kind: 'integer',
    default: DEFAULT_THRESHOLDS.darkLuma,
    min: 0,
    max: 255,
    help: 'a pixel is dark at or below this luma (0-255)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'freezeThreshold',
    flag: '--freeze-threshold <percent>',
    toml: 'freeze_threshold',
    kind: 'number',
    default: DEFAULT_THRESHOLDS.freezeSamePercent,
    min: 0,
    max: 100,
    help: 'seed rule: a comparison is "same" when under this % of pixels differ',
    scope: 'device',
    unit: true,
  },
  {
    key: 'freezePixelDiff',
    flag: '--freeze-pixel-diff <n>',
    toml: 'freeze_pixel_diff',
    kind: 'integer',
    default: DEFAULT_THRESHOLDS.freezePixelDiff,
    min: 0,
    max: 255,
    help: 'a pixel differs when |a-b| is above this (the motion rule raises it above the noise floor)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'freezeRule',
    flag: '--freeze-rule <rule>',
    toml: 'freeze_rule',
    kind: 'choice',
    choices: ['motion', 'seed'],
    default: DEFAULT_FREEZE_RULE,
    help: 'motion: noise floor + minimum changed area; seed: the old 2% rule',
    scope: 'device',
    unit: true,
  },
  {
    key: 'motionMinArea',
    flag: '--motion-min-area <px>',
    toml: 'motion_min_area',
    kind: 'integer',
    default: MOTION_MIN_AREA,
    min: 1,
    max: CAPTURE_SIZE.width * CAPTURE_SIZE.height,
    help: 'motion rule: two frames differ when this much area changed (capture pixels)',
    scope: 'device',
    unit: true,
  },
  {
    key: 'clearTime',
    flag: '--clear-time <time>',
    toml: 'clear_time',
    kind: 'span',
    default: CLEAR_TIME_MS,
    floor: 0,
    ceiling: EVENT_SPAN_CEILING_MS,
    help: 'a picture event ends once the picture has been clear this long',
    scope: 'device',
    unit: true,
  },
  { key: 'ignore', toml: 'ignore', kind: 'rects', help: 'rectangles (capture pixels) freeze and blackscreen do not look at', scope: 'device', unit: false },
  {
    key: 'zapBannerTop',
    toml: 'zap_banner_top',
    kind: 'integer',
    min: 0,
    max: CAPTURE_SIZE.height - 1,
    help: 'first capture row of the zap banner band (default: the bottom 30%, row 504)',
    scope: 'device',
    unit: false,
  },
  {
    // The service reads the same file (and reloads it on SIGHUP): the unit names it, never inlines its values.
    key: 'config',
    flag: '--config <file>',
    kind: 'text',
    env: 'VPT_CONFIG',
    help: 'settings file (default /etc/vpt/vpt.toml when it exists); SIGHUP reloads it',
    scope: 'process',
    unit: true,
  },
  // Last: the printed unit has carried --no-audio after every other flag.
  { key: 'audio', flag: '--no-audio', toml: 'audio', kind: 'on-switch', help: 'do not analyse audio', scope: 'device', unit: true },
] as const satisfies readonly SettingRow[];

type Rows = (typeof MONITOR_SETTINGS)[number];

type ValueOf<R extends SettingRow> = R extends { kind: 'span' | 'size' | 'integer' | 'number' }
  ? number
  : R extends { kind: 'switch' | 'on-switch' }
    ? boolean
    : R extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : R extends { kind: 'devices' }
        ? string[]
        : R extends { kind: 'rects' }
          ? Rect[]
          : string;

/** The monitor's settings as the options carry them (spans in ms, sizes in bytes): rows with a default are always there. */
export type MonitorSettingValues = { [R in Rows as R extends { default: unknown } ? R['key'] : never]: ValueOf<R> } & {
  [R in Rows as R extends { default: unknown } ? never : R['key']]?: ValueOf<R>;
};

/** Rows vpt.toml may set, by TOML key. */
export const TOML_ROWS: readonly SettingRow[] = MONITOR_SETTINGS.filter((r: SettingRow) => r.toml !== undefined);

/** A bound as the operator would type it: whole days as days. */
const spanText = (ms: number): string => (ms >= DAY && ms % DAY === 0 ? `${ms / DAY}d` : formatTimeSpan(ms));

/** What is wrong with a span for this row (below its floor, above its ceiling), or undefined. One line, for a flag and a vpt.toml value alike. */
export function spanProblem(row: SpanRow, ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms > row.ceiling) return `longer than its ceiling of ${spanText(row.ceiling)}`;
  if (ms < row.floor) return `shorter than its floor of ${spanText(row.floor)}`;
  if (!Number.isInteger(ms)) return 'finer than a millisecond';
  return undefined;
}

/** Every row's default, as commander fills them in (a test or --demo that builds options without the parser starts here). */
export function settingDefaults(): MonitorSettingValues {
  const values: Record<string, unknown> = {};
  for (const row of MONITOR_SETTINGS as readonly SettingRow[]) {
    if ('default' in row && row.default !== undefined) values[row.key] = row.default;
  }
  return values as MonitorSettingValues;
}

import { realpathSync } from 'node:fs';
import type { MonitorConfig } from '../core/config/monitor-config.js';
import type { SettingsRegistry } from '../core/config/settings-registry.js';
import type { DetectorThresholds } from '../core/detectors/types.js';
import { EXIT, UsageError } from '../core/errors.js';
import { renderMonitorUnit } from '../core/service-unit.js';
import { formatSizeExact } from '../core/units.js';
import { redactUrl, urlHasSecret } from '../core/webhook/redact-url.js';
import type { Ui } from '../ui.js';

/** Options of `vpt monitor` as cli.ts parses them (durations in ms). */
export interface MonitorOptions {
  devices?: string[];
  streamRoot: string;
  fps?: number;
  replay?: boolean;
  demo?: boolean;
  printUnit?: boolean;
  audio?: boolean;
  macroblocks?: boolean;
  minEvent?: number;
  blackThreshold?: number;
  darkLuma?: number;
  freezeThreshold?: number;
  freezePixelDiff?: number;
  freezeRule?: 'motion' | 'seed';
  motionMinArea?: number;
  clearTime?: number;
  /** --config / VPT_CONFIG. */
  config?: string;
  checkConfig?: boolean;
  /** Options given on the command line or in the environment (cli.ts): they beat the config file. */
  explicitOptions?: string[];
  /** Per-device settings from the config file and the flags (set by run()). */
  settings?: SettingsRegistry;
  /** Read the config file again (SIGHUP); resolves to a line to log, rejects with a ConfigError (set by run()). */
  reloadConfig?: () => Promise<string>;
  stateDir?: string;
  replace?: boolean;
  /** Move incidents.db aside (kept) and start a new one: the way out of a damaged database. */
  resetIncidents?: boolean;
  webhook?: string;
  listen?: string;
  alertmanager?: string;
  incidentDelay: number;
  stallAfter?: number;
  heartbeat?: number;
  keepIncidents?: number;
  queueLimit: number;
  sweepInterval: number;
  memoryLogInterval: number;
  memoryAlert: number;
}

/** Where the printed unit reads a --webhook URL that carries a secret (VPT_WEBHOOK=...). */
const WEBHOOK_ENV_FILE = '/etc/vpt/monitor.env';

/** `--heartbeat` default (cli.ts states the same value): one line per device every 5 minutes. */
export const DEFAULT_HEARTBEAT_MS = 300_000;

/** The calibration flags, mapped onto the detectors' thresholds. */
export function thresholdsFrom(options: MonitorOptions): Partial<DetectorThresholds> {
  const t: Partial<DetectorThresholds> = {};
  if (options.blackThreshold !== undefined) t.blackPercent = options.blackThreshold;
  if (options.darkLuma !== undefined) t.darkLuma = options.darkLuma;
  if (options.freezeThreshold !== undefined) t.freezeSamePercent = options.freezeThreshold;
  if (options.freezePixelDiff !== undefined) t.freezePixelDiff = options.freezePixelDiff;
  return t;
}

/** A time span as systemd.time(7) and our parser read it, in its largest exact unit. */
function timeSpan(value: unknown): string {
  const ms = Number(value);
  for (const [unit, size] of [['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

interface UnitFlag {
  key: string;
  flag: string;
  /** cli.ts's default: a value equal to it is left out of the unit. */
  default?: unknown;
  format?: (v: unknown) => string;
  boolean?: boolean;
}

/** Flags forwarded into the unit's ExecStart: those that change what the service does. */
const UNIT_FLAGS: UnitFlag[] = [
  { key: 'devices', flag: '--devices', format: (v) => (v as string[]).join(',') },
  { key: 'streamRoot', flag: '--stream-root', default: '/var/www/html/stream' },
  { key: 'stateDir', flag: '--state-dir' },
  { key: 'fps', flag: '--fps' },
  { key: 'macroblocks', flag: '--macroblocks', boolean: true },
  { key: 'incidentDelay', flag: '--incident-delay', default: 30_000, format: timeSpan },
  { key: 'minEvent', flag: '--min-event', default: 5_000, format: timeSpan },
  { key: 'stallAfter', flag: '--stall-after', default: 10_000, format: timeSpan },
  { key: 'heartbeat', flag: '--heartbeat', default: 300_000, format: timeSpan },
  { key: 'keepIncidents', flag: '--keep-incidents', default: 90 * 86_400_000, format: timeSpan },
  { key: 'queueLimit', flag: '--queue-limit', default: 150 },
  { key: 'sweepInterval', flag: '--sweep-interval', default: 3_600_000, format: timeSpan },
  { key: 'memoryLogInterval', flag: '--memory-log-interval', default: 3_600_000, format: timeSpan },
  { key: 'memoryAlert', flag: '--memory-alert', default: 1024 ** 3, format: (v) => formatSizeExact(Number(v)) },
  { key: 'webhook', flag: '--webhook' },
  { key: 'listen', flag: '--listen' },
  { key: 'alertmanager', flag: '--alertmanager' },
  { key: 'blackThreshold', flag: '--black-threshold', default: 85 },
  { key: 'darkLuma', flag: '--dark-luma', default: 10 },
  { key: 'freezeThreshold', flag: '--freeze-threshold', default: 2 },
  { key: 'freezePixelDiff', flag: '--freeze-pixel-diff', default: 10 },
  { key: 'freezeRule', flag: '--freeze-rule', default: 'motion' },
  { key: 'motionMinArea', flag: '--motion-min-area', default: 128 },
  { key: 'clearTime', flag: '--clear-time', default: 1_000, format: timeSpan },
  // The service reads the same file (and reloads it on SIGHUP): name it, never inline its values.
  { key: 'config', flag: '--config' },
];

/** The monitor's arguments for the unit: every non-default flag, explicitly (the unit has no shell environment). */
export function unitArgs(options: Record<string, unknown>): string[] {
  const args = ['monitor'];
  for (const { key, flag, format, boolean, default: dflt } of UNIT_FLAGS) {
    const value = options[key];
    // A URL with a secret stays out of ExecStart= (and so out of `ps`): the unit reads it from WEBHOOK_ENV_FILE.
    if (key === 'webhook' && typeof value === 'string' && urlHasSecret(value)) continue;
    if (value === undefined || value === false || value === dflt) continue;
    if (boolean) args.push(flag);
    else args.push(flag, format ? format(value) : String(value));
  }
  if (options.audio === false) args.push('--no-audio');
  // The global output flags change what the service writes to the journal: keep them too.
  if (options.json === true) args.push('--json');
  if (options.quiet === true) args.push('--quiet');
  if (options.verbose === true) args.push('--verbose');
  return args;
}

/** Combinations commander cannot see: each refused with one line that says what to change. */
export function checkCombinations(options: MonitorOptions): void {
  if (options.replay && options.demo) {
    throw new UsageError('--replay and --demo exclude each other: --replay analyses frames on disk, --demo makes its own; pick one');
  }
  if (options.minEvent !== undefined && options.minEvent > options.incidentDelay) {
    throw new UsageError(
      `--min-event ${timeSpan(options.minEvent)} is longer than --incident-delay ${timeSpan(options.incidentDelay)}: ` +
        'an event exists only once it lasts --min-event, so no incident could open at --incident-delay; lower --min-event or raise --incident-delay',
    );
  }
}

export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as unknown as MonitorOptions;
  checkCombinations(options);
  if (options.printUnit) {
    // node plus the launcher's real path: systemd needs absolute paths and no PATH lookup.
    const launcher = realpathSync(process.argv[1] ?? 'vpt');
    const webhook = typeof raw.webhook === 'string' && urlHasSecret(raw.webhook) ? raw.webhook : undefined;
    const environmentFile = webhook && {
      path: WEBHOOK_ENV_FILE,
      comment: [
        `--webhook ${redactUrl(webhook)} carries a secret, so it is not written here: put`,
        `VPT_WEBHOOK=<the full URL> in ${WEBHOOK_ENV_FILE} (chmod 600).`,
      ],
    };
    const unit = renderMonitorUnit({ execPath: process.execPath, args: [launcher, ...unitArgs(raw)], ...(environmentFile ? { environmentFile } : {}) });
    ui.out(unit.trimEnd());
    return EXIT.ok;
  }
  const config = await loadConfig(options);
  if (options.checkConfig) {
    const { printCheckConfig } = await import('./monitor/check-config.js');
    printCheckConfig(config, ui);
    return EXIT.ok;
  }
  const { SettingsRegistry } = await import('../core/config/settings-registry.js');
  let current = config;
  const settings = new SettingsRegistry(current.settingsFor);
  const merged: MonitorOptions = {
    ...(current.options as unknown as MonitorOptions),
    settings,
    reloadConfig: async () => {
      const next = await loadConfig(options);
      settings.replace(next.settingsFor);
      current = next;
      return `reloaded ${next.file ?? 'the settings (no config file)'}: detection settings of ${settings.size} device${settings.size === 1 ? '' : 's'} updated (fps, audio, devices and paths need a restart)`;
    },
  };
  if (options.replay) {
    const { runReplay } = await import('./monitor/replay.js');
    return runReplay(merged, ui, thresholdsFrom(merged));
  }
  if (options.demo) {
    const { runDemo } = await import('./monitor-demo.js');
    return runDemo(options, ui);
  }
  const { runLive } = await import('./monitor/live.js');
  return runLive(merged, ui);
}

async function loadConfig(options: MonitorOptions): Promise<MonitorConfig> {
  const { loadMonitorConfig } = await import('../core/config/monitor-config.js');
  return loadMonitorConfig({ options: options as unknown as Record<string, unknown>, explicit: options.explicitOptions ?? [] });
}

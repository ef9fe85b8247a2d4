import { realpathSync } from 'node:fs';
import type { MonitorConfig } from '../../core/config/monitor-config.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { renderMonitorUnit } from '../../core/systemd/monitor-unit.js';
import { formatSizeExact, formatTimeSpan } from '../../core/units.js';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../../core/cache/sweeper-registry.js';
import { DEFAULT_FREEZE_RULE, MOTION_MIN_AREA } from '../../core/detectors/freeze-judge.js';
import { DEFAULT_THRESHOLDS } from '../../core/detectors/thresholds.js';
import { CLEAR_TIME_MS, MIN_EVENT_MS } from '../../core/events/event-tracker.js';
import { DEFAULT_INCIDENT_DELAY_MS, DEFAULT_KEEP_INCIDENTS_MS } from '../../core/incidents/incident-delay.js';
import { DEFAULT_QUEUE_LIMIT } from '../../core/live/frame-queue.js';
import { DEFAULT_STREAM_ROOT } from '../../core/layout/stream-root.js';
import { DEFAULT_STALL_AFTER_MS } from '../../core/live/stall-watch.js';
import { DEFAULT_MEMORY_ALERT_BYTES, DEFAULT_MEMORY_LOG_INTERVAL_MS } from '../../core/memory/self-memory.js';
import { redactUrl, urlHasSecret } from '../../core/webhook/redact-url.js';
import type { Ui } from '../../ui.js';
import { DEFAULT_HEARTBEAT_MS, thresholdsFrom, type MonitorOptions } from './options.js';

/** Where the printed unit reads a --webhook URL that carries a secret (VPT_WEBHOOK=...). */
const WEBHOOK_ENV_FILE = '/etc/vpt/monitor.env';

const timeSpan = (value: unknown): string => formatTimeSpan(Number(value));

interface UnitFlag {
  key: string;
  flag: string;
  /** The default cli.ts gives the flag (the same core constant): a value equal to it is left out of the unit. */
  default?: unknown;
  format?: (v: unknown) => string;
  boolean?: boolean;
}

/** Flags forwarded into the unit's ExecStart: those that change what the service does. */
const UNIT_FLAGS: UnitFlag[] = [
  { key: 'devices', flag: '--devices', format: (v) => (v as string[]).join(',') },
  { key: 'streamRoot', flag: '--stream-root', default: DEFAULT_STREAM_ROOT },
  { key: 'stateDir', flag: '--state-dir' },
  { key: 'fps', flag: '--fps' },
  { key: 'macroblocks', flag: '--macroblocks', boolean: true },
  { key: 'incidentDelay', flag: '--incident-delay', default: DEFAULT_INCIDENT_DELAY_MS, format: timeSpan },
  { key: 'minEvent', flag: '--min-event', default: MIN_EVENT_MS, format: timeSpan },
  { key: 'stallAfter', flag: '--stall-after', default: DEFAULT_STALL_AFTER_MS, format: timeSpan },
  { key: 'heartbeat', flag: '--heartbeat', default: DEFAULT_HEARTBEAT_MS, format: timeSpan },
  { key: 'keepIncidents', flag: '--keep-incidents', default: DEFAULT_KEEP_INCIDENTS_MS, format: timeSpan },
  { key: 'queueLimit', flag: '--queue-limit', default: DEFAULT_QUEUE_LIMIT },
  { key: 'sweepInterval', flag: '--sweep-interval', default: DEFAULT_SWEEP_INTERVAL_MS, format: timeSpan },
  { key: 'memoryLogInterval', flag: '--memory-log-interval', default: DEFAULT_MEMORY_LOG_INTERVAL_MS, format: timeSpan },
  { key: 'memoryAlert', flag: '--memory-alert', default: DEFAULT_MEMORY_ALERT_BYTES, format: (v) => formatSizeExact(Number(v)) },
  { key: 'webhook', flag: '--webhook' },
  { key: 'listen', flag: '--listen' },
  { key: 'alertmanager', flag: '--alertmanager' },
  { key: 'publicUrl', flag: '--public-url' },
  { key: 'blackThreshold', flag: '--black-threshold', default: DEFAULT_THRESHOLDS.blackPercent },
  { key: 'darkLuma', flag: '--dark-luma', default: DEFAULT_THRESHOLDS.darkLuma },
  { key: 'freezeThreshold', flag: '--freeze-threshold', default: DEFAULT_THRESHOLDS.freezeSamePercent },
  { key: 'freezePixelDiff', flag: '--freeze-pixel-diff', default: DEFAULT_THRESHOLDS.freezePixelDiff },
  { key: 'freezeRule', flag: '--freeze-rule', default: DEFAULT_FREEZE_RULE },
  { key: 'motionMinArea', flag: '--motion-min-area', default: MOTION_MIN_AREA },
  { key: 'clearTime', flag: '--clear-time', default: CLEAR_TIME_MS, format: timeSpan },
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
    const { printCheckConfig } = await import('./check-config.js');
    printCheckConfig(config, ui);
    return EXIT.ok;
  }
  const { SettingsRegistry } = await import('../../core/config/settings-registry.js');
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
    const { runReplay } = await import('./replay.js');
    return runReplay(merged, ui, thresholdsFrom(merged));
  }
  if (options.demo) {
    const { runDemo } = await import('./demo.js');
    return runDemo(options, ui);
  }
  const { runLive } = await import('./live.js');
  return runLive(merged, ui);
}

async function loadConfig(options: MonitorOptions): Promise<MonitorConfig> {
  const { loadMonitorConfig } = await import('../../core/config/monitor-config.js');
  return loadMonitorConfig({ options: options as unknown as Record<string, unknown>, explicit: options.explicitOptions ?? [] });
}

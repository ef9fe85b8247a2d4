import { realpathSync } from 'node:fs';
import { EXIT } from '../core/errors.js';
import { renderMonitorUnit } from '../core/service-unit.js';
import { formatSizeExact, formatTimeSpan } from '../core/units.js';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../core/cache/sweeper-registry.js';
import { DEFAULT_THRESHOLDS } from '../core/detectors/thresholds.js';
import { MIN_EVENT_MS } from '../core/events/event-tracker.js';
import { DEFAULT_INCIDENT_DELAY_MS } from '../core/incidents/incident-delay.js';
import { DEFAULT_STREAM_ROOT } from '../core/layout/stream-root.js';
import { DEFAULT_QUEUE_LIMIT } from '../core/live/frame-queue.js';
import { DEFAULT_MEMORY_ALERT_BYTES, DEFAULT_MEMORY_LOG_INTERVAL_MS } from '../core/memory/self-memory.js';
import type { ZapEvent } from '../core/audio/zap-confirmer.js';
import type { Ui } from '../ui.js';
import { printReplaySummary } from './monitor/replay-report.js';
import { thresholdsFrom, type MonitorOptions } from './monitor/options.js';

/** Zap results kept for the --replay --json summary; beyond this they are only counted (a long capture zaps often). */
export const REPLAY_ZAPS_KEPT = 1_000;

/** How often the progress spinner's text is refreshed. */
const PROGRESS_REFRESH_MS = 200;

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
  { key: 'queueLimit', flag: '--queue-limit', default: DEFAULT_QUEUE_LIMIT },
  { key: 'sweepInterval', flag: '--sweep-interval', default: DEFAULT_SWEEP_INTERVAL_MS, format: timeSpan },
  { key: 'memoryLogInterval', flag: '--memory-log-interval', default: DEFAULT_MEMORY_LOG_INTERVAL_MS, format: timeSpan },
  { key: 'memoryAlert', flag: '--memory-alert', default: DEFAULT_MEMORY_ALERT_BYTES, format: (v) => formatSizeExact(Number(v)) },
  { key: 'webhook', flag: '--webhook' },
  { key: 'blackThreshold', flag: '--black-threshold', default: DEFAULT_THRESHOLDS.blackPercent },
  { key: 'darkLuma', flag: '--dark-luma', default: DEFAULT_THRESHOLDS.darkLuma },
  { key: 'freezeThreshold', flag: '--freeze-threshold', default: DEFAULT_THRESHOLDS.freezeSamePercent },
  { key: 'freezePixelDiff', flag: '--freeze-pixel-diff', default: DEFAULT_THRESHOLDS.freezePixelDiff },
];

/** The monitor's arguments for the unit: every non-default flag, explicitly (the unit has no shell environment). */
export function unitArgs(options: Record<string, unknown>): string[] {
  const args = ['monitor'];
  for (const { key, flag, format, boolean, default: dflt } of UNIT_FLAGS) {
    const value = options[key];
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

export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as unknown as MonitorOptions;
  if (options.printUnit) {
    // node plus the launcher's real path: systemd needs absolute paths and no PATH lookup.
    const launcher = realpathSync(process.argv[1] ?? 'vpt');
    ui.out(renderMonitorUnit({ execPath: process.execPath, args: [launcher, ...unitArgs(raw)] }).trimEnd());
    return EXIT.ok;
  }
  if (options.replay) return runReplay(options, ui);
  if (options.demo) {
    const { runDemo } = await import('./monitor-demo.js');
    return runDemo(options, ui);
  }
  const { runLive } = await import('./monitor/live.js');
  return runLive(options, ui);
}

async function runReplay(options: MonitorOptions, ui: Ui): Promise<number> {
  // sharp is heavy: loaded only when frames are analysed.
  const [{ replay }, { ZapConfirmer }, { createProcessTempDir, removeProcessTempDirSync }, { describeEvent }, { AUDIO_NOT_CHECKED, ffmpegPresent }] = await Promise.all([
    import('../core/replay.js'),
    import('../core/audio/zap-confirmer.js'),
    import('../core/lifecycle/process-temp-dir.js'),
    import('../core/live/monitor-events.js'),
    import('./monitor/audio-setup.js'),
  ]);
  // A terminal that reports 0 columns (a pty with no size: `script`, some CI runners) makes ora
  // count Infinity lines to clear and loop forever; no spinner there.
  const showProgress = ui.stderrIsTTY && !ui.json && !ui.quiet && (process.stderr.columns ?? 0) > 0;
  const spinner = showProgress ? (await import('ora')).default({ text: 'replay: listing frames', stream: process.stderr }).start() : undefined;
  const progress = new Map<string, { done: number; total: number }>();
  let lastRefresh = 0;
  const warn = (message: string) => {
    spinner?.clear();
    ui.logger.warn(message);
    spinner?.render();
  };
  const checkAudio = options.audio !== false && (await ffmpegPresent(ui.logger));
  // Merged zap audio lives in this process's temp folder, removed in finally.
  const tempDir = await createProcessTempDir();
  const zapEvents: ZapEvent[] = [];
  let zapsNotKept = 0;
  const zaps = new ZapConfirmer({
    tempDir,
    logger: ui.logger,
    // Replay: the segments are all on disk already, nothing to wait for.
    segmentWaitMs: 0,
    onZap: (event) => {
      if (zapEvents.length < REPLAY_ZAPS_KEPT) zapEvents.push(event);
      else zapsNotKept++;
      const line = describeEvent(event);
      if (line && !ui.json) {
        spinner?.clear();
        ui.logger.info(line);
        spinner?.render();
      }
    },
    ...(checkAudio ? {} : { check: async () => AUDIO_NOT_CHECKED }),
  });
  try {
    const summary = await replay({
      checkAudio,
      zaps,
      logger: ui.logger,
      streamRoot: options.streamRoot,
      devices: options.devices,
      fps: options.fps,
      thresholds: thresholdsFrom(options),
      macroblocks: options.macroblocks === true,
      minEventMs: options.minEvent,
      onProgress: ({ device, done, total }) => {
        progress.set(device, { done, total });
        const now = performance.now();
        if (!spinner || now - lastRefresh < PROGRESS_REFRESH_MS) return;
        lastRefresh = now;
        spinner.text = `replay: ${[...progress].map(([d, p]) => `${d} ${p.done}/${p.total}`).join(', ')}`;
      },
      onFrameError: (device, fileName, error) => warn(`[${device}] ${fileName}: ${error}`),
      onWarning: warn,
      onRecord: (record) => {
        if (ui.verbose) ui.logger.debug(`[${record.device}] ${record.kind}${'type' in record ? ` ${record.type}` : ''} at frame ${record.startSequence}`);
      },
    });
    await zaps.idle();
    spinner?.stop();
    if (ui.json) ui.out(JSON.stringify({ ...summary, zaps: zapEvents, ...(zapsNotKept > 0 ? { zaps_not_listed: zapsNotKept } : {}) }, null, 2));
    else if (!ui.quiet) printReplaySummary(summary, ui);
    const partial = summary.errors > 0 || summary.devices.length === 0 || summary.devices.some((d) => d.missing);
    return partial ? EXIT.warning : EXIT.ok;
  } finally {
    spinner?.stop();
    await zaps.close();
    removeProcessTempDirSync(tempDir);
  }
}

import { DEFAULT_RESCAN_INTERVAL_MS } from '../core/live/capture-watcher.js';
import type { AnalyzerFactory } from '../core/live/device-analyzer.js';
import { LiveMonitor } from '../core/live/live-monitor.js';
import { describeEvent, type MonitorEvent } from '../core/live/monitor-events.js';
import { openMonitorResources, type MonitorResources } from '../core/live/monitor-resources.js';
import { resolveDevices } from '../core/live/resolve-devices.js';
import { resolveStateDir } from '../core/state-dir.js';
import { formatDuration } from '../core/units.js';
import type { Ui } from '../ui.js';

/** SIGTERM to exit: the frame in flight gets this long; with cli.ts's 2 s exit grace the whole stop stays under the 5 s the design promises. */
const DRAIN_DEADLINE_MS = 2_500;

export interface LiveOptions {
  devices?: string[];
  streamRoot: string;
  stateDir?: string;
  replace?: boolean;
  webhook?: string;
  incidentDelay: number;
  queueLimit: number;
  sweepInterval: number;
  memoryLogInterval: number;
  memoryAlert: number;
}

/**
 * `vpt monitor` as a service: runs until SIGTERM/SIGINT, then drains, closes
 * the database, removes its temp folder, releases the lock and returns 0.
 */
export async function runLive(options: LiveOptions, ui: Ui, loadAnalyzer: () => Promise<AnalyzerFactory>): Promise<number> {
  const { devices, source } = await resolveDevices(options.streamRoot, options.devices);
  const { dir: stateDir } = await resolveStateDir({ flag: options.stateDir });
  // Loaded after the cheap checks, before the lock: a bad flag must not wait for sharp.
  const createAnalyzer = await loadAnalyzer();
  const log = ui.logger;
  // A live holder of the lock throws InstanceLockedError (exit 2, naming the pid) from here.
  const resources: MonitorResources = await openMonitorResources({
    stateDir,
    streamRoot: options.streamRoot,
    devices,
    replace: options.replace,
    webhook: options.webhook !== undefined,
    onReplacing: (pid) => log.warn(`--replace: stopping the monitor with pid ${pid}`),
  });
  // Last resort if something below throws past us: never leave the lock or the temp folder behind.
  const onExit = (): void => resources.close();
  process.once('exit', onExit);
  log.info(`devices (${source}): ${devices.join(', ')}; state in ${stateDir}; temp in ${resources.tempDir}`);
  for (const i of resources.resolvedAtStart) log.info(`[${i.device}] incident #${i.id} (${i.type}) left open by a previous run: resolved (${i.resolveReason})`);
  for (const d of resources.removedTempDirs) log.info(`removed ${d} (its process is gone)`);
  for (const m of resources.removedZapMarkers) log.info(`removed stale zap marker ${m}`);
  if (options.webhook) log.warn('--webhook: incidents are queued in the outbox; delivery is not in this build yet');

  const print = (event: MonitorEvent): void => {
    if (ui.json) {
      if (event.event !== 'frame' || ui.verbose) ui.out(JSON.stringify(event));
      return;
    }
    const line = describeEvent(event);
    if (!line) return;
    if (event.event === 'frame') log.debug(line);
    else if (event.event === 'incident_opened') log.warn(line);
    else log.info(line);
  };
  for (const i of resources.resolvedAtStart) {
    print({
      event: 'incident_resolved',
      ts: new Date(i.resolvedAt!).toISOString(),
      device: i.device,
      type: i.type,
      incident_id: i.id,
      duration_ms: i.durationMs!,
      resolve_reason: i.resolveReason!,
      evidence: i.evidence,
    });
  }

  const monitor = new LiveMonitor({
    streamRoot: options.streamRoot,
    devices,
    store: resources.store,
    createAnalyzer,
    onEvent: print,
    logger: log,
    incidentDelayMs: options.incidentDelay,
    queueLimit: options.queueLimit,
    sweepIntervalMs: options.sweepInterval,
    memoryLogIntervalMs: options.memoryLogInterval,
    memoryAlertBytes: options.memoryAlert,
    rescanIntervalMs: DEFAULT_RESCAN_INTERVAL_MS,
  });

  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    await monitor.start();
    const signal = await signalled;
    const started = Date.now();
    log.info(`${signal}: finishing the frames in flight`);
    const { drained, abandoned } = await monitor.stop(DRAIN_DEADLINE_MS);
    log.info(
      `stopped in ${formatDuration(Date.now() - started)}${drained ? '' : ' (a frame was still in flight at the deadline)'}` +
        `${abandoned > 0 ? `; ${abandoned} waiting frames not analysed` : ''}`,
    );
  } finally {
    resources.close();
    process.removeListener('exit', onExit);
  }
  return 0;
}

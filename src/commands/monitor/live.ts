import type { MonitorEvent } from '../../core/events/monitor-event.js';
import type { MonitorServiceSeams, StopReport } from '../../core/live/monitor-service.js';
import { describeEvent, frameAccount } from '../../core/live/monitor-events.js';
import { formatDuration } from '../../core/units.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import type { Ui } from '../../ui.js';
import type { MonitorRunOptions } from './options.js';

/**
 * `vpt monitor` as a service: builds the monitor service (core/live/monitor-service.ts),
 * subscribes its printer, runs until SIGTERM/SIGINT, then stops, prints the
 * summary and returns 0. SIGHUP reloads the config file.
 */
export async function runLive(options: MonitorRunOptions, ui: Ui, seams: MonitorServiceSeams = {}): Promise<number> {
  const log = ui.logger;
  const { MonitorService } = await import('../../core/live/monitor-service.js');
  const service = await MonitorService.open(options, log, seams);
  service.events.subscribe(printer(ui));
  // Last resort if something below throws past us: never leave the lock or the temp folder behind.
  const onExit = (): void => service.closeNow();
  process.once('exit', onExit);
  // SIGHUP: read the config file again; a bad file is one line and the old settings stay. One reload
  // at a time, and SIGHUPs that come during it make one more: a signal every 20 ms is not 50 reads a second.
  const hangup = { running: false, again: false };
  const onHangup = (): void => {
    const reload = options.reloadConfig;
    if (reload === undefined) return;
    if (hangup.running) {
      hangup.again = true;
      return;
    }
    hangup.running = true;
    void reload()
      .then(
        (line) => log.info(`SIGHUP: ${line}`),
        (err: unknown) => log.warn(`SIGHUP: ${(err instanceof Error ? err.message : String(err)).split('\n').join('; ')}; the old settings stay`),
      )
      .finally(() => {
        hangup.running = false;
        if (hangup.again) {
          hangup.again = false;
          onHangup();
        }
      });
  };
  process.on('SIGHUP', onHangup);
  // `on`, not `once`, and never removed: timeout(1) sends SIGTERM to the monitor and then to its whole
  // process group, so a second signal can arrive mid-shutdown; with no handler left it killed the process
  // (exit 143) with the lock, incidents.db-wal/-shm and the temp folder still there. Later signals are no-ops.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  try {
    // After the signal handlers: a SIGTERM while prom-client loads is a clean stop, not a kill.
    await service.start();
    const signal = await signalled;
    log.info(`${signal}: finishing the frames in flight`);
    printStop(await service.stop(), ui);
  } finally {
    await service.close();
    process.removeListener('exit', onExit);
    process.removeListener('SIGHUP', onHangup);
  }
  return 0;
}

/** Each event as a JSON line (--json) or a journal line. */
function printer(ui: Ui): (event: MonitorEvent) => void {
  const log = ui.logger;
  return (event) => {
    if (ui.json) {
      if (event.event !== 'frame' || ui.verbose) ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.monitorEvent, ...event }));
      return;
    }
    const line = describeEvent(event);
    if (!line) return;
    if (event.event === 'frame') log.debug(line);
    else if (event.event === 'incident_opened' || event.event === 'stall_started' || event.event === 'clock_jump') log.warn(line);
    else log.info(line);
  };
}

function printStop(r: StopReport, ui: Ui): void {
  const log = ui.logger;
  if (r.webhook) log.info(`webhook: ${r.webhook.delivered} delivered on exit${r.webhook.pending > 0 ? `, ${r.webhook.pending} kept for the next start` : ''}`);
  log.info(
    `summary: up ${formatDuration(r.snapshot.uptime_ms)}; incidents opened ${r.opened}, resolved ${r.resolved}; ` +
      r.snapshot.devices.map((d) => `${d.device} ${d.frames_analysed} frames analysed, ${d.frames_dropped} dropped, ${d.frames_bad} bad`).join('; '),
  );
  // Every frame seen on disk, and what became of it: the ones never analysed are counted, not left out.
  log.info(
    `frames: ` +
      r.snapshot.devices
        .map((d) => {
          const f = {
            sampled: d.frames_sampled,
            failed: d.frames_failed,
            dropped: d.frames_dropped,
            superseded: d.frames_superseded,
            pending: d.frames_pending,
          };
          return `${d.device} ${frameAccount(d.frames_seen, d.frames_analysed, f, 'never handled')}`;
        })
        .join('; '),
  );
  log.info(
    `stopped in ${formatDuration(r.stoppedInMs)}${r.drained ? '' : ' (a frame was still in flight at the deadline)'}` +
      `${r.abandoned > 0 ? `; ${r.abandoned} waiting frames not analysed` : ''}`,
  );
}

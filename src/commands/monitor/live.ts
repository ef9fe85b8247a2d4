import { UsageError } from '../../core/errors.js';
import { validateDeviceName } from '../../core/layout/device-name.js';
import { checkStreamRoot, resolveDevices } from '../../core/layout/stream-layout.js';
import { DEFAULT_RESCAN_INTERVAL_MS } from '../../core/live/capture-watcher.js';
import { ZapConfirmer } from '../../core/audio/zap-confirmer.js';
import type { AnalyzerFactory } from '../../core/live/device-analyzer.js';
import { LiveMonitor } from '../../core/live/live-monitor.js';
import { describeEvent, type MonitorEvent } from '../../core/live/monitor-events.js';
import { openMonitorResources, type MonitorResources } from '../../core/live/monitor-resources.js';
import { PRUNE_BATCH } from '../../core/incidents/incident-queries.js';
import { resolveStateDir } from '../../core/lifecycle/state-dir.js';
import { formatDuration } from '../../core/units.js';
import { parseWebhookUrl } from '../../core/webhook/webhook-url.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../../core/http/listen-address.js';
import { alertmanagerEndpoint } from '../../core/alertmanager/alerts.js';
import { ClipJobs } from '../../core/clips/clip-jobs.js';
import { parsePublicUrl } from '../../core/http/public-url.js';
import { deviceFps } from '../../core/layout/device-fps.js';
import type { MonitorHttp } from '../../core/http/monitor-http.js';
import { startAlertmanager, startWebSide } from './web-side.js';
import type { Ui } from '../../ui.js';
import { AUDIO_NOT_CHECKED, ffmpegPresent } from './audio-setup.js';
import { thresholdsFrom, type MonitorOptions } from './options.js';

/** SIGTERM to exit: the frame in flight gets this long; with cli.ts's 2 s exit grace the whole stop stays under the 5 s the design promises. */
const DRAIN_DEADLINE_MS = 2_500;
/**
 * --webhook on exit: undelivered notifications are retried until this long
 * after the signal (the design's "up to 5 s", kept inside its 5 s SIGTERM
 * promise); whatever is left stays in the outbox for the next start.
 */
const WEBHOOK_EXIT_DEADLINE_MS = 4_500;

/**
 * `vpt monitor` as a service: runs until SIGTERM/SIGINT, then drains, closes
 * the database, removes its temp folder, releases the lock and returns 0.
 */
export async function runLive(
  options: MonitorOptions,
  ui: Ui,
  seams: { createAnalyzer?: AnalyzerFactory; clock?: { now: () => number; monotonic: () => number }; onListening?: (url: string) => void } = {},
): Promise<number> {
  const webhookUrl = options.webhook !== undefined ? parseWebhookUrl(options.webhook) : undefined;
  const listen = parseListenAddress(options.listen ?? DEFAULT_LISTEN);
  const alertmanagerUrl = options.alertmanager !== undefined ? alertmanagerEndpoint(options.alertmanager) : undefined;
  const publicUrl = options.publicUrl !== undefined ? parsePublicUrl(options.publicUrl) : undefined;
  // Names first (a flag typo answers before any disk access); named devices need
  // not exist yet (they are waited for), the stream root must.
  options.devices?.forEach(validateDeviceName);
  await checkStreamRoot(options.streamRoot);
  const specs = await resolveDevices(options.streamRoot, options.devices);
  if (specs.length === 0) {
    throw new UsageError(`no devices under ${options.streamRoot}: pass --devices capture1,... (they are waited for) or fix --stream-root`);
  }
  const devices = specs.map((s) => s.name);
  const source = specs[0]!.source;
  const { dir: stateDir } = await resolveStateDir({ flag: options.stateDir });
  const log = ui.logger;
  // sharp is heavy: loaded after the cheap checks, so a bad flag answers at once.
  const { pipelineAnalyzerFactory } = await import('../../core/live/pipeline-analyzer.js');
  const checkAudio = options.audio !== false && (await ffmpegPresent(log));
  // A live holder of the lock throws InstanceLockedError (exit 2, naming the pid) from here.
  const resources: MonitorResources = await openMonitorResources({
    stateDir,
    streamRoot: options.streamRoot,
    devices,
    replace: options.replace,
    webhook: options.webhook !== undefined,
    resetIncidents: options.resetIncidents === true,
    onReplacing: (pid) => log.warn(`--replace: stopping the monitor with pid ${pid}`),
  });
  // Last resort if something below throws past us: never leave the lock or the temp folder behind.
  const onExit = (): void => resources.close();
  process.once('exit', onExit);
  // SIGHUP: read the config file again; a bad file is one line and the old settings stay.
  const onHangup = (): void => {
    options.reloadConfig?.().then(
      (line) => log.info(`SIGHUP: ${line}`),
      (err: unknown) => log.warn(`SIGHUP: ${(err instanceof Error ? err.message : String(err)).split('\n').join('; ')}; the old settings stay`),
    );
  };
  process.on('SIGHUP', onHangup);
  log.info(`devices (${source}): ${devices.join(', ')}; state in ${stateDir}; temp in ${resources.tempDir}`);
  if (resources.incidentsMovedAside) log.warn(`--reset-incidents: the old incident database is kept as ${resources.incidentsMovedAside}; starting a new one`);
  for (const i of resources.resolvedAtStart) log.info(`[${i.device}] incident #${i.id} (${i.type}) left open by a previous run: resolved (${i.resolveReason})`);
  for (const d of resources.removedTempDirs) log.info(`removed ${d} (its process is gone)`);
  for (const m of resources.removedZapMarkers) log.info(`removed stale zap marker ${m}`);
  for (const t of resources.removedTempFiles) log.info(`removed ${t.count} temp files of processes that are gone from ${t.dir}`);
  // Delivery reads the outbox through its own connection: the monitor's writes never wait on HTTP.
  const webhook = webhookUrl ? await startWebhookSender(resources.store.file, webhookUrl.href, publicUrl, log) : undefined;
  // --listen: started once the monitor exists (the page reads its snapshot).
  let web: MonitorHttp | undefined;
  let alertmanager: Awaited<ReturnType<typeof startAlertmanager>> | undefined;

  // Each incident's clip, kept with its evidence; one ffmpeg at a time, at the lowest priority.
  const clips = new ClipJobs({
    streamRoot: options.streamRoot,
    incident: (id) => resources.store.get(id),
    deviceFps: (device) => deviceFps(device, specs.find((s) => s.name === device)?.quality, options.fps),
    record: (id, file) => resources.store.addEvidence(id, [file]),
    logger: log,
  });
  const counted = { opened: 0, resolved: 0 };
  const print = (event: MonitorEvent): void => {
    web?.observe(event);
    if (event.event === 'incident_opened' || event.event === 'incident_resolved') clips.incidentChanged(event.event, event.incident_id);
    if (event.event === 'incident_opened' || event.event === 'incident_resolved') alertmanager?.notify();
    if (event.event === 'incident_opened' || event.event === 'incident_resolved') webhook?.sender.notify();
    if (event.event === 'incident_opened') counted.opened++;
    else if (event.event === 'incident_resolved') counted.resolved++;
    if (ui.json) {
      if (event.event !== 'frame' || ui.verbose) ui.out(JSON.stringify(event));
      return;
    }
    const line = describeEvent(event);
    if (!line) return;
    if (event.event === 'frame') log.debug(line);
    else if (event.event === 'incident_opened' || event.event === 'stall_started' || event.event === 'clock_jump') log.warn(line);
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

  // One pool per process: zap checks run off the frame queue, their temp files in the process's temp folder.
  const zaps = new ZapConfirmer({
    tempDir: resources.tempDir,
    onZap: print,
    logger: log,
    // Without audio there is no segment to wait for: each zap check would idle ZAP_SEGMENT_WAIT_MS for nothing.
    ...(checkAudio ? {} : { check: async () => AUDIO_NOT_CHECKED, segmentWaitMs: 0 }),
  });
  // seams.createAnalyzer: a test's scripted analyzer, to drive the service's outputs (webhook) without frames.
  const createAnalyzer =
    seams.createAnalyzer ??
    pipelineAnalyzerFactory({
      fps: options.fps,
      thresholds: thresholdsFrom(options),
      macroblocks: options.macroblocks === true,
      minEventMs: options.minEvent,
      settings: options.settings,
      quality: (device) => specs.find((s) => s.name === device)?.quality,
      onWarning: (message) => log.warn(message),
      onInfo: (message) => log.info(message),
      checkAudio,
      zaps,
      logger: log,
    });
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
    statusDir: stateDir,
    audioChecked: checkAudio,
    stallAfterMs: options.stallAfter,
    heartbeatMs: options.heartbeat,
    // seams.clock: a test's clock that steps (NTP, suspend) while the monotonic one does not.
    ...(seams.clock ? { now: seams.clock.now, monotonic: seams.clock.monotonic } : {}),
    ...(options.keepIncidents !== undefined
      ? { retention: { keepMs: options.keepIncidents, prune: (cutoff: number) => resources.store.pruneResolvedBefore(cutoff, PRUNE_BATCH) } }
      : {}),
  });

  // `on`, not `once`, and never removed: timeout(1) sends SIGTERM to the monitor and then to its whole
  // process group, so a second signal can arrive mid-shutdown; with no handler left it killed the process
  // (exit 143) with the lock, incidents.db-wal/-shm and the temp folder still there. Later signals are no-ops.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  try {
    // After the signal handlers: a SIGTERM while prom-client loads is a clean stop, not a kill.
    if (listen) {
      web = await startWebSide({
        listen,
        streamRoot: options.streamRoot,
        stateDir,
        devices,
        snapshot: () => monitor.statusSnapshot(),
        webhook: webhook !== undefined,
        logger: log,
      });
      if (web.url) log.info(`http: status page ${web.url}, metrics ${web.url}metrics`);
      if (web.url) seams.onListening?.(web.url);
    }
    // After the resolutions at start are recorded: they are posted as resolved in the first round.
    if (alertmanagerUrl) alertmanager = await startAlertmanager(resources.store.file, alertmanagerUrl, { pageUrl: web?.linkUrl, publicUrl }, log);
    await monitor.start();
    const signal = await signalled;
    const started = Date.now();
    log.info(`${signal}: finishing the frames in flight`);
    const { drained, abandoned } = await monitor.stop(DRAIN_DEADLINE_MS);
    if (webhook) {
      const { delivered, pending } = await webhook.sender.flush(started + WEBHOOK_EXIT_DEADLINE_MS);
      log.info(`webhook: ${delivered} delivered on exit${pending > 0 ? `, ${pending} kept for the next start` : ''}`);
    }
    const s = monitor.statusSnapshot();
    log.info(
      `summary: up ${formatDuration(s.uptime_ms)}; incidents opened ${counted.opened}, resolved ${counted.resolved}; ` +
        s.devices.map((d) => `${d.device} ${d.frames_analysed} frames analysed, ${d.frames_dropped} dropped, ${d.frames_bad} bad`).join('; '),
    );
    log.info(
      `stopped in ${formatDuration(Date.now() - started)}${drained ? '' : ' (a frame was still in flight at the deadline)'}` +
        `${abandoned > 0 ? `; ${abandoned} waiting frames not analysed` : ''}`,
    );
  } finally {
    // Before resources.close(): a running merge's temp files live in the folder that removes.
    await zaps.close();
    await clips.stop();
    await webhook?.sender.stop();
    await web?.close();
    await alertmanager?.stop();
    webhook?.outbox.close();
    resources.close();
    process.removeListener('exit', onExit);
    process.removeListener('SIGHUP', onHangup);
  }
  return 0;
}

/** The outbox's own connection and the sender; rows left by an earlier run go out first. */
async function startWebhookSender(dbFile: string, url: string, publicUrl: string | undefined, logger: Ui['logger']) {
  const [{ SqliteOutbox, SENT_RETENTION_MS }, { WebhookSender }] = await Promise.all([
    import('../../core/webhook/sqlite-outbox.js'),
    import('../../core/webhook/webhook-sender.js'),
  ]);
  const outbox = new SqliteOutbox(dbFile);
  const pruned = outbox.pruneSent(Date.now() - SENT_RETENTION_MS);
  if (pruned > 0) logger.debug(`webhook: pruned ${pruned} delivered notifications older than 7 days`);
  const pending = outbox.pendingCount();
  if (pending > 0) logger.info(`webhook: ${pending} notifications from an earlier run are being delivered`);
  const sender = new WebhookSender({ url, outbox, logger, ...(publicUrl ? { publicUrl } : {}) });
  sender.start();
  return { sender, outbox };
}

import { alertmanagerEndpoint } from '../alertmanager/alerts.js';
import { ffmpegPresent } from '../audio/ffmpeg-check.js';
import { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { DeviceSettingsSource } from '../config/device-settings.js';
import type { MonitorSettingValues } from '../config/monitor-settings.js';
import { UsageError } from '../errors.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import type { MonitorHttp } from '../http/monitor-http.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../http/listen-address.js';
import { IncidentRetention } from '../incidents/incident-retention.js';
import { validateDeviceName } from '../layout/device-name.js';
import { checkStreamRoot, resolveDevices } from '../layout/stream-layout.js';
import { resolveStateDir } from '../lifecycle/state-dir.js';
import type { Logger } from '../logger.js';
import type { StatusSnapshot } from '../status/status-snapshot.js';
import { parseWebhookUrl } from '../webhook/webhook-url.js';
import { DEFAULT_RESCAN_INTERVAL_MS } from './capture-watcher.js';
import type { LivePipelineFactory } from './live-pipeline.js';
import { EventStream } from './event-stream.js';
import { LiveMonitor } from './live-monitor.js';
import { logResources, openMonitorResources, resolvedAtStartEvents, type MonitorResources } from './monitor-resources.js';
import { startActions, startAlertmanager, startWebhookSender, startWebSide, takeNotifyEnv } from './monitor-outputs.js';
import { ServiceNotifier, serviceStatusLine } from '../systemd/notify.js';
import type { ActionSettings } from '../actions/action-settings.js';

/** SIGTERM to exit: the frame in flight gets this long; with cli.ts's 2 s exit grace the whole stop stays under the 5 s the design promises. */
const DRAIN_DEADLINE_MS = 2_500;
/**
 * --webhook on exit: undelivered notifications are retried until this long
 * after the stop began (the design's "up to 5 s", kept inside its 5 s SIGTERM
 * promise); whatever is left stays in the outbox for the next start.
 */
const WEBHOOK_EXIT_DEADLINE_MS = 4_500;

/** What the service runs with: the settings table's values (flags over the file) and every device's settings. */
export type MonitorServiceInput = MonitorSettingValues & {
  settings: DeviceSettingsSource;
  replace?: boolean;
  resetIncidents?: boolean;
  /** `[actions]` as loaded now (a SIGHUP swaps them); none: nothing runs when incidents open. */
  actions?: () => ActionSettings;
};

/** A test's stand-ins: the per-device pipeline, and a wall clock that steps while the monotonic one does not. */
export interface MonitorServiceSeams {
  createPipeline?: LivePipelineFactory;
  clock?: { now: () => number; monotonic: () => number };
}

export interface StopReport {
  drained: boolean;
  abandoned: number;
  /** Webhook notifications delivered during the stop, and those kept for the next start (undefined: no webhook). */
  webhook: { delivered: number; pending: number } | undefined;
  opened: number;
  resolved: number;
  snapshot: StatusSnapshot;
  stoppedInMs: number;
}

type WebhookOutput = Awaited<ReturnType<typeof startWebhookSender>>;
type AlertmanagerOutput = Awaited<ReturnType<typeof startAlertmanager>>;
type ActionsOutput = Awaited<ReturnType<typeof startActions>>;

/**
 * `vpt monitor` as a service, in core: it owns the watchers and pipelines
 * (LiveMonitor), the incident tracker, the zap pool and the outputs; every
 * output is a subscriber of one typed event stream (`events`): the command's
 * printer, the webhook, Alertmanager, the page, the exit summary's counts.
 * The command parses, builds, subscribes its printer, runs and prints; it
 * owns the signals. open() -> start() -> stop() -> close().
 */
export class MonitorService {
  private readonly counted = { opened: 0, resolved: 0 };
  private web: MonitorHttp | undefined;
  private alertmanager: AlertmanagerOutput | undefined;
  private monitor!: LiveMonitor;
  private notifier: ServiceNotifier | undefined;

  private constructor(
    readonly events: EventStream<MonitorEvent>,
    private readonly input: MonitorServiceInput,
    private readonly logger: Logger,
    readonly stateDir: string,
    readonly devices: string[],
    private readonly resources: MonitorResources,
    private readonly webhook: WebhookOutput | undefined,
    private readonly zaps: ZapConfirmer,
    private readonly actions: ActionsOutput | undefined,
  ) {
    this.events.subscribe((e) => {
      if (e.event === 'incident_opened') void this.actions?.runner.incidentOpened(e.device, e.type, e.incident_id);
      if (e.event === 'memory' && e.alert) void this.actions?.runner.memoryAlert();
      if (e.event === 'incident_opened') this.counted.opened++;
      else if (e.event === 'incident_resolved') this.counted.resolved++;
      if (e.event === 'incident_opened' || e.event === 'incident_resolved') {
        this.alertmanager?.notify();
        this.webhook?.sender.notify();
      }
      this.web?.observe(e);
    });
  }

  /** Check the input (one line for a bad one, before any disk access), take the lock and open the database; starts nothing. */
  static async open(input: MonitorServiceInput, logger: Logger, seams: MonitorServiceSeams = {}): Promise<MonitorService> {
    const webhookUrl = input.webhook !== undefined ? parseWebhookUrl(input.webhook) : undefined;
    parseListenAddress(input.listen ?? DEFAULT_LISTEN);
    if (input.alertmanager !== undefined) alertmanagerEndpoint(input.alertmanager);
    // Named devices need not exist yet (they are waited for), the stream root must.
    input.devices?.forEach(validateDeviceName);
    await checkStreamRoot(input.streamRoot);
    const specs = await resolveDevices(input.streamRoot, input.devices, (name, problem) =>
      logger.warn(`folder "${name}" under ${input.streamRoot} is not watched: invalid device name (${problem})`),
    );
    if (specs.length === 0)
      throw new UsageError(`no devices under ${input.streamRoot}: pass --devices capture1,... (they are waited for) or fix --stream-root`);
    const devices = specs.map((s) => s.name);
    const { dir: stateDir } = await resolveStateDir({ flag: input.stateDir });
    // sharp is heavy: loaded after the cheap checks, so a bad flag answers at once.
    const { livePipelineFactory } = await import('./live-pipeline.js');
    const checkAudio = input.audio !== false && (await ffmpegPresent(logger));
    // A live holder of the lock throws InstanceLockedError (exit 2, naming the pid) from here.
    const resources = await openMonitorResources({
      stateDir,
      streamRoot: input.streamRoot,
      devices,
      replace: input.replace,
      webhook: input.webhook !== undefined,
      resetIncidents: input.resetIncidents === true,
      onReplacing: (pid) => logger.warn(`--replace: stopping the monitor with pid ${pid}`),
    });
    try {
      logger.info(`devices (${specs[0]!.source}): ${devices.join(', ')}; state in ${stateDir}`);
      logResources(resources, logger);
      // Delivery reads the outbox through its own connection: the monitor's writes never wait on HTTP.
      const webhook = webhookUrl ? await startWebhookSender(resources.store.file, webhookUrl.href, logger) : undefined;
      const events = new EventStream<MonitorEvent>();
      // One pool per process: zap checks run off the frame queue, judged from each device's level stream.
      const zaps = new ZapConfirmer({ onZap: (event) => events.emit(event), logger });
      // [actions] of vpt.toml: a command when an incident opens (none configured: nothing runs).
      const actions = input.actions ? await startActions(resources.store.file, input.actions, (e) => events.emit(e), logger) : undefined;
      const service = new MonitorService(events, input, logger, stateDir, devices, resources, webhook, zaps, actions);
      const createPipeline =
        seams.createPipeline ??
        livePipelineFactory({
          settings: input.settings,
          quality: (device) => specs.find((s) => s.name === device)?.quality,
          onWarning: (message) => logger.warn(message),
          onInfo: (message) => logger.info(message),
          checkAudio,
          zaps,
          logger,
        });
      service.monitor = service.liveMonitor(createPipeline, checkAudio, seams.clock);
      return service;
    } catch (err) {
      // Never leave the lock or the temp folder behind a start that failed half-way.
      resources.close();
      throw err;
    }
  }

  /** The incidents a previous run left open (resolved at open) go out first, then the page, Alertmanager and the watchers start. */
  async start(): Promise<void> {
    for (const event of resolvedAtStartEvents(this.resources)) this.events.emit(event);
    const listen = parseListenAddress(this.input.listen ?? DEFAULT_LISTEN);
    if (listen) {
      this.web = await startWebSide({
        listen,
        streamRoot: this.input.streamRoot,
        stateDir: this.stateDir,
        devices: this.devices,
        snapshot: () => this.monitor.statusSnapshot(),
        webhook: this.webhook !== undefined,
        logger: this.logger,
      });
      if (this.web.url) this.logger.info(`http: status page ${this.web.url}, metrics ${this.web.url}metrics`);
    }
    // After the resolutions at start are recorded: they are posted as resolved in the first round.
    if (this.input.alertmanager !== undefined) {
      this.alertmanager = await startAlertmanager(this.resources.store.file, alertmanagerEndpoint(this.input.alertmanager), this.web?.linkUrl, this.logger);
    }
    await this.monitor.start();
    // Under systemd (Type=notify): READY=1 now, then the watchdog pings; nothing without NOTIFY_SOCKET.
    this.notifier = await ServiceNotifier.start({
      env: takeNotifyEnv(),
      logger: this.logger,
      status: () => serviceStatusLine(this.monitor.statusSnapshot()),
    });
  }

  /** Finish the frames in flight, deliver what the webhook can before its deadline; what happened, for the command to print. */
  async stop(): Promise<StopReport> {
    await this.notifier?.stopping();
    this.notifier = undefined;
    const started = Date.now();
    const { drained, abandoned } = await this.monitor.stop(DRAIN_DEADLINE_MS);
    const webhook = this.webhook ? await this.webhook.sender.flush(started + WEBHOOK_EXIT_DEADLINE_MS) : undefined;
    return { drained, abandoned, webhook, ...this.counted, snapshot: this.monitor.statusSnapshot(), stoppedInMs: Date.now() - started };
  }

  /** Release everything (also after a failed start): zap pool, senders, page, database, temp folder, lock. */
  async close(): Promise<void> {
    await this.notifier?.stopping();
    await this.zaps.close();
    await this.actions?.runner.drain();
    this.actions?.log.close();
    await this.webhook?.sender.stop();
    await this.web?.close();
    await this.alertmanager?.stop();
    this.webhook?.outbox.close();
    this.resources.close();
  }

  /** Last resort on process exit (synchronous): never leave the lock or the temp folder behind. */
  closeNow(): void {
    this.resources.close();
  }

  private liveMonitor(createPipeline: LivePipelineFactory, checkAudio: boolean, clock: MonitorServiceSeams['clock']): LiveMonitor {
    const { input } = this;
    return new LiveMonitor({
      streamRoot: input.streamRoot,
      devices: this.devices,
      store: this.resources.store,
      createPipeline,
      onEvent: (event) => this.events.emit(event),
      logger: this.logger,
      incidentDelayMs: input.incidentDelay,
      queueLimit: input.queueLimit,
      sweepIntervalMs: input.sweepInterval,
      memoryLogIntervalMs: input.memoryLogInterval,
      memoryAlertBytes: input.memoryAlert,
      rescanIntervalMs: DEFAULT_RESCAN_INTERVAL_MS,
      statusDir: this.stateDir,
      audioChecked: checkAudio,
      // Per device: `[devices.<name>] stall_after` beats `[monitor]` and the default (a flag beats both).
      stallAfterMs: (device) => input.settings.forDevice(device).current.stallAfterMs ?? input.stallAfter,
      heartbeatMs: input.heartbeat,
      ...(clock ? { now: clock.now, monotonic: clock.monotonic } : {}),
      retention: new IncidentRetention(this.resources.store, input.keepIncidents, this.logger),
    });
  }
}

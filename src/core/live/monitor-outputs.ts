import type { MonitorHttp, MonitorHttpOptions } from '../http/monitor-http.js';
import type { Logger } from '../logger.js';
import type { ActionSettings } from '../actions/action-settings.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import type { NotifyEnv } from '../systemd/notify.js';
import { redactUrl } from '../webhook/redact-url.js';

/*
 * The outputs a live run adds besides its events: the webhook, Alertmanager
 * and the page. Each is loaded only when its flag is given (prom-client, the
 * webhook and Alertmanager modules stay out of every other start).
 */

/** The outbox's own connection and the sender; rows left by an earlier run go out first. */
export async function startWebhookSender(dbFile: string, url: string, logger: Logger) {
  const [{ SqliteOutbox, SENT_RETENTION_MS }, { WebhookSender }] = await Promise.all([
    import('../webhook/sqlite-outbox.js'),
    import('../webhook/webhook-sender.js'),
  ]);
  const outbox = new SqliteOutbox(dbFile);
  const pruned = outbox.pruneSent(Date.now() - SENT_RETENTION_MS);
  if (pruned > 0) logger.debug(`webhook: pruned ${pruned} delivered notifications older than 7 days`);
  const pending = outbox.pendingCount();
  if (pending > 0) logger.info(`webhook: ${pending} notifications from an earlier run are being delivered`);
  const sender = new WebhookSender({ url, outbox, logger });
  sender.start();
  return { sender, outbox };
}

/** Incidents to Alertmanager, from incidents.db through a connection of its own. */
export async function startAlertmanager(dbFile: string, url: URL, pageUrl: string | undefined, logger: Logger) {
  const [{ AlertmanagerDeliveries }, { AlertmanagerSender }] = await Promise.all([
    import('../alertmanager/delivery-table.js'),
    import('../alertmanager/alertmanager-sender.js'),
  ]);
  const deliveries = new AlertmanagerDeliveries(dbFile);
  const sender = new AlertmanagerSender({ url: url.href, deliveries, pageUrl, logger });
  sender.start();
  logger.info(`alertmanager: open incidents go to ${redactUrl(url)} (re-posted every minute while open)`);
  return {
    notify: () => sender.notify(),
    stop: async () => {
      await sender.stop();
      deliveries.close();
    },
  };
}

/** The page and /metrics; prom-client is loaded only here. */
export async function startWebSide(options: MonitorHttpOptions): Promise<MonitorHttp> {
  const { startMonitorHttp } = await import('../http/monitor-http.js');
  return startMonitorHttp(options);
}

/** `[actions]`: the runner, recording into incidents.db through its own connection (none configured: it runs nothing). */
export async function startActions(dbFile: string, settings: () => ActionSettings, onEvent: (event: MonitorEvent) => void, logger: Logger) {
  const [{ ActionLog }, { ActionRunner }] = await Promise.all([import('../actions/action-log.js'), import('../actions/action-runner.js')]);
  const log = new ActionLog(dbFile);
  const runner = new ActionRunner({ settings, record: (r) => log.record(r), onEvent, logger });
  const configured = Object.keys(settings().actions);
  if (configured.length > 0) logger.info(`actions for ${configured.join(', ')}${settings().dryRun ? ' (dry run: logged, not run)' : ''}`);
  return { runner, log };
}

/**
 * systemd's notify variables, taken out of the environment: the commands the monitor runs (ffmpeg,
 * [actions]) must not inherit a socket that, under NotifyAccess=all, speaks for the monitor.
 */
export function takeNotifyEnv(): NotifyEnv {
  const { NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID } = process.env;
  delete process.env.NOTIFY_SOCKET;
  delete process.env.WATCHDOG_USEC;
  delete process.env.WATCHDOG_PID;
  return { NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID };
}

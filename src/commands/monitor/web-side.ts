import type { MonitorHttp, MonitorHttpOptions } from '../../core/http/monitor-http.js';
import { redactUrl } from '../../core/webhook/redact-url.js';
import type { Ui } from '../../ui.js';

/*
 * What `--listen` and `--alertmanager` add to a live run, each loaded only
 * when its flag is given (prom-client and the Alertmanager modules stay out
 * of every other start).
 */

/** Incidents to Alertmanager, from incidents.db through a connection of its own. */
export async function startAlertmanager(dbFile: string, url: URL, links: { pageUrl: string | undefined; publicUrl: string | undefined }, logger: Ui['logger']) {
  const [{ AlertmanagerDeliveries }, { AlertmanagerSender }] = await Promise.all([
    import('../../core/alertmanager/delivery-table.js'),
    import('../../core/alertmanager/alertmanager-sender.js'),
  ]);
  const deliveries = new AlertmanagerDeliveries(dbFile);
  const sender = new AlertmanagerSender({ url: url.href, deliveries, ...links, logger });
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
  const { startMonitorHttp } = await import('../../core/http/monitor-http.js');
  return startMonitorHttp(options);
}

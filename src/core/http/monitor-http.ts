import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import type { MonitorEvent } from '../live/monitor-events.js';
import { MonitorMetrics } from '../metrics/monitor-metrics.js';
import { IncidentReader } from './incident-reader.js';
import type { ListenAddress } from './listen-address.js';
import { LiveStatusView } from './live-status-view.js';
import type { StatusSources } from './status-api.js';
import { startStatusServer } from './status-server.js';

export interface MonitorHttpOptions {
  listen: ListenAddress;
  streamRoot: string;
  stateDir: string;
  devices: readonly string[];
  version: string;
  /** --webhook is on: export the outbox gauges. */
  webhook: boolean;
  logger: Logger;
}

export interface MonitorHttp {
  /** The page's URL, or undefined when the server could not listen (the monitor goes on). */
  url: string | undefined;
  observe(event: MonitorEvent): void;
  /** A frame the analysis could not read. */
  frameFailed(device: string): void;
  close(): Promise<void>;
}

/**
 * Everything `--listen` adds to a monitor run: the device view fed by the
 * monitor's events, the metrics, a read-only incidents.db connection and the
 * server. Port in use: one warning, and the view and metrics still run so
 * nothing else changes.
 */
export async function startMonitorHttp(options: MonitorHttpOptions): Promise<MonitorHttp> {
  const view = new LiveStatusView(options.devices);
  const reader = new IncidentReader(options.stateDir);
  const startedAt = Date.now();
  const sources: StatusSources = {
    devices: view,
    incidents: reader,
    host: hostname(),
    version: options.version,
    pid: process.pid,
    startedAt,
    rssBytes: () => process.memoryUsage.rss(),
  };
  const metrics = await MonitorMetrics.create(
    { devices: view, openIncidents: () => reader.open(), ...(options.webhook ? { outbox: () => reader.outbox() } : {}), version: options.version },
    options.devices,
  );
  const started = await startStatusServer(
    options.listen,
    { sources, reader, metrics, streamRoot: options.streamRoot, devices: new Set(options.devices) },
    (message) => options.logger.warn(message),
  );
  if (!started.ok) {
    options.logger.warn(`http: cannot listen on ${options.listen.host}:${options.listen.port} (${started.reason}); the monitor goes on without its page and /metrics`);
  } else if (!options.listen.loopback) {
    options.logger.warn(`http: listening on ${started.server.url} for the network; the page has no authentication (it is read-only)`);
  }
  return {
    url: started.ok ? started.server.url : undefined,
    observe: (event) => {
      view.observe(event, Date.now());
      metrics.observe(event);
    },
    frameFailed: (device) => view.frameFailed(device),
    close: async () => {
      if (started.ok) await started.server.close();
      reader.close();
    },
  };
}

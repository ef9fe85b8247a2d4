import type { Logger } from '../logger.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import { MonitorMetrics } from '../metrics/monitor-metrics.js';
import type { StatusSnapshot } from '../status/status-snapshot.js';
import { vptVersion } from '../lifecycle/vpt-version.js';
import { IncidentReader } from '../incidents/incident-reader.js';
import { hostname } from 'node:os';
import { urlHost, type ListenAddress } from './listen-address.js';
import { startStatusServer } from './status-server.js';

/** A page read waits this long for a writer: the page must not stall the event loop the monitor's analysis runs on. */
const PAGE_READ_BUSY_TIMEOUT_MS = 100;

export interface MonitorHttpOptions {
  listen: ListenAddress;
  streamRoot: string;
  stateDir: string;
  devices: readonly string[];
  /** The live monitor's status snapshot now. */
  snapshot: () => StatusSnapshot;
  /** --webhook is on: export the outbox gauges. */
  webhook: boolean;
  logger: Logger;
}

export interface MonitorHttp {
  /** The page's URL, or undefined when the server could not listen (the monitor goes on). */
  url: string | undefined;
  /** The page as other machines reach it (the any-address becomes this host's name): for alerts' generatorURL. */
  linkUrl: string | undefined;
  observe(event: MonitorEvent): void;
  close(): Promise<void>;
}

/**
 * Everything `--listen` adds to a monitor run: the metrics fed by the
 * monitor's events and snapshot, a read-only incidents.db connection and the
 * server. Port in use: one warning, and the monitor goes on without HTTP.
 */
export async function startMonitorHttp(options: MonitorHttpOptions): Promise<MonitorHttp> {
  const reader = IncidentReader.openLive(options.stateDir, PAGE_READ_BUSY_TIMEOUT_MS);
  const metrics = await MonitorMetrics.create(
    {
      snapshot: options.snapshot,
      openIncidents: () => reader.openIncidents(),
      ...(options.webhook ? { outbox: () => reader.outboxCounts() } : {}),
      version: vptVersion(),
    },
    options.devices,
  );
  const started = await startStatusServer(
    options.listen,
    { sources: { snapshot: options.snapshot, incidents: reader }, reader, metrics, streamRoot: options.streamRoot, devices: new Set(options.devices) },
    (message) => options.logger.warn(message),
  );
  if (!started.ok) {
    options.logger.warn(
      `http: cannot listen on ${options.listen.host}:${options.listen.port} (${started.reason}); the monitor goes on without its page and /metrics`,
    );
  } else if (!options.listen.loopback) {
    options.logger.warn(`http: listening on ${started.server.url} for the network; the page has no authentication (it is read-only)`);
  }
  return {
    url: started.ok ? started.server.url : undefined,
    linkUrl: started.ok ? `http://${urlHost(options.listen.host, hostname())}:${started.server.port}/` : undefined,
    observe: (event) => metrics.observe(event),
    close: async () => {
      if (started.ok) await started.server.close();
      reader.close();
    },
  };
}

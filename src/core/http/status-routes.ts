import type { IncidentReader } from '../incidents/incident-reader.js';
import { evidenceThumbnails, liveThumbnailPath, readServedImage } from './image-files.js';
import type { MonitorMetrics } from '../metrics/monitor-metrics.js';
import { incidentsJson, statusJson, type StatusSources } from './status-api.js';
import { renderStatusPage } from './status-page.js';

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface RouteContext {
  sources: StatusSources;
  reader: Pick<IncidentReader, 'incident'>;
  metrics: Pick<MonitorMetrics, 'render'>;
  streamRoot: string;
  /** The monitored devices: the only names an image URL may carry. */
  devices: ReadonlySet<string>;
}

/** A capture sequence in an image URL: digits only, at most the 9 of a capture's name. */
const FRAME_SEQUENCE = /^\d{1,9}$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const json = (value: unknown): Reply => ({ status: 200, type: JSON_TYPE, body: `${JSON.stringify(value, null, 1)}\n` });
const notFound = (): Reply => ({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' });
const image = (body: Buffer | undefined): Reply =>
  body ? { status: 200, type: 'image/jpeg', body, headers: { 'cache-control': 'private, max-age=60' } } : notFound();

/**
 * The read-only routes. A URL only ever selects among things the monitor
 * already knows (a monitored device by exact name, an incident by number and
 * an index into its evidence): no part of it becomes a path.
 */
export async function route(pathname: string, ctx: RouteContext, query: URLSearchParams = new URLSearchParams()): Promise<Reply> {
  switch (pathname) {
    case '/':
      return { status: 200, type: 'text/html; charset=utf-8', body: renderStatusPage(statusJson(ctx.sources), incidentsJson(ctx.sources)) };
    case '/api/status':
      return json(statusJson(ctx.sources));
    case '/api/incidents':
      return json(incidentsJson(ctx.sources));
    case '/metrics': {
      const { contentType, body } = await ctx.metrics.render();
      return { status: 200, type: contentType, body };
    }
    default:
      break;
  }
  const frame = /^\/img\/device\/([^/]{1,128})\/latest$/.exec(pathname);
  if (frame) {
    const device = frame[1]!;
    if (!ctx.devices.has(device)) return notFound();
    // The frame the page's badges belong to: the one its URL names (?s=, from the snapshot), else the newest analysed.
    const asked = FRAME_SEQUENCE.test(query.get('s') ?? '') ? Number(query.get('s')) : undefined;
    const sequence = asked ?? ctx.sources.snapshot().devices.find((d) => d.device === device)?.analysed_sequence;
    if (sequence === null || sequence === undefined) return notFound();
    return image(await readServedImage(ctx.streamRoot, await liveThumbnailPath(ctx.streamRoot, device, sequence)));
  }
  const evidence = /^\/img\/incident\/(\d{1,12})\/(\d{1,3})$/.exec(pathname);
  if (evidence) {
    const incident = ctx.reader.incident(Number(evidence[1]));
    const file = incident ? evidenceThumbnails(incident.evidence)[Number(evidence[2])] : undefined;
    return file ? image(await readServedImage(ctx.streamRoot, file.path)) : notFound();
  }
  return notFound();
}

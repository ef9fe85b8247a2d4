import type { IncidentReader } from '../incidents/incident-reader.js';
import { evidenceClips } from '../clips/clip-files.js';
import { CLIP_MAX_BYTES } from '../clips/clip-encoder.js';
import { evidenceThumbnails, liveThumbnailPath, MAX_IMAGE_BYTES, readServedFile } from './image-files.js';
import type { MonitorMetrics } from '../metrics/monitor-metrics.js';
import { incidentsJson, pictured, statusJson, type StatusSources } from './status-api.js';
import { renderStatusPage } from './status-page.js';
import { faviconSvg } from './status-page-favicon.js';

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Called once the response is sent or its connection closed: the body's memory is free then. */
  release?: () => void;
}

export interface RouteContext {
  sources: StatusSources;
  reader: Pick<IncidentReader, 'incident'>;
  metrics: Pick<MonitorMetrics, 'render'>;
  streamRoot: string;
  /** The monitored devices: the only names an image URL may carry. */
  devices: ReadonlySet<string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const json = (value: unknown): Reply => ({ status: 200, type: JSON_TYPE, body: `${JSON.stringify(value, null, 1)}\n` });
const notFound = (): Reply => ({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' });
const image = (body: Buffer | undefined): Reply =>
  body ? { status: 200, type: 'image/jpeg', body, headers: { 'cache-control': 'private, max-age=60' } } : notFound();
/**
 * Clips being sent at once, each held whole in memory until sent (a few
 * hundred KB, CLIP_MAX_BYTES at most): beyond, 503 and a retry. The page
 * loads a clip only when it is played, so one viewer rarely has two.
 */
export const MAX_CLIPS_IN_FLIGHT = 4;
let clipsInFlight = 0;

/** A clip, sent whole (no ranges): browsers play a faststart MP4 from a plain 200. */
async function clipReply(streamRoot: string, file: string): Promise<Reply> {
  if (clipsInFlight >= MAX_CLIPS_IN_FLIGHT) return { status: 503, type: 'text/plain; charset=utf-8', body: 'busy, retry\n', headers: { 'retry-after': '2' } };
  clipsInFlight++;
  let released = false;
  const release = () => {
    if (!released) clipsInFlight--;
    released = true;
  };
  try {
    const body = await readServedFile(streamRoot, file, CLIP_MAX_BYTES);
    if (!body) {
      release();
      return notFound();
    }
    return { status: 200, type: 'video/mp4', body, headers: { 'cache-control': 'private, max-age=60', 'accept-ranges': 'none' }, release };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * The read-only routes. A URL only ever selects among things the monitor
 * already knows (a monitored device by exact name, an incident by number and
 * an index into its evidence): no part of it becomes a path.
 */
export async function route(pathname: string, ctx: RouteContext): Promise<Reply> {
  switch (pathname) {
    case '/':
      return { status: 200, type: 'text/html; charset=utf-8', body: renderStatusPage(statusJson(ctx.sources), incidentsJson(ctx.sources)) };
    case '/api/status':
      return json(statusJson(ctx.sources));
    case '/api/incidents':
      return json(incidentsJson(ctx.sources));
    case '/favicon.svg':
      // The count of open incidents, so a background tab shows trouble; the page asks again when it changes.
      return { status: 200, type: 'image/svg+xml', body: faviconSvg(ctx.sources.incidents.openIncidents().length) };
    case '/metrics': {
      const { contentType, body } = await ctx.metrics.render();
      return { status: 200, type: contentType, body };
    }
    default:
      break;
  }
  // `latest`: the frame the device's states describe; a number: that frame, one the monitor has seen (never beyond).
  const frame = /^\/img\/device\/([^/]{1,128})\/(latest|\d{1,9})$/.exec(pathname);
  if (frame) {
    const device = frame[1]!;
    if (!ctx.devices.has(device)) return notFound();
    const status = ctx.sources.snapshot().devices.find((d) => d.device === device);
    const newest = status?.last_sequence ?? null;
    const sequence = frame[2] === 'latest' ? (status ? pictured(status) : null) : Number(frame[2]);
    if (sequence === null || newest === null || sequence > newest) return notFound();
    return image(await readServedFile(ctx.streamRoot, await liveThumbnailPath(ctx.streamRoot, device, sequence), MAX_IMAGE_BYTES));
  }
  const evidence = /^\/img\/incident\/(\d{1,12})\/(\d{1,3})$/.exec(pathname);
  if (evidence) {
    const incident = ctx.reader.incident(Number(evidence[1]));
    const file = incident ? evidenceThumbnails(incident.evidence)[Number(evidence[2])] : undefined;
    return file ? image(await readServedFile(ctx.streamRoot, file.path, MAX_IMAGE_BYTES)) : notFound();
  }
  const clip = /^\/clips\/incident\/(\d{1,12})\/(start|end)\.mp4$/.exec(pathname);
  if (clip) {
    const incident = ctx.reader.incident(Number(clip[1]));
    const file = incident ? evidenceClips(incident.evidence).find((c) => c.phase === clip[2]) : undefined;
    return file ? clipReply(ctx.streamRoot, file.path) : notFound();
  }
  return notFound();
}

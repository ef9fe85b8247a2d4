import type { Incident } from '../incidents/incident.js';
import { UsageError } from '../errors.js';
import { formatDuration } from '../units.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';
import { redactUrl } from '../webhook/redact-url.js';

/** Every incident is posted under this alertname; `type` says which kind. */
export const ALERT_NAME = 'VptIncident';
/** Alertmanager wants open alerts again within their endsAt; we re-post every minute. */
export const ALERT_RESEND_MS = 60_000;
/** A firing alert's endsAt: four re-post periods ahead (as Prometheus does), so a dead monitor's alerts resolve themselves. */
export const FIRING_VALID_MS = 4 * ALERT_RESEND_MS;

/** Alertmanager API v2 `postableAlert`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** `--alertmanager URL`: Alertmanager's base URL (…/api/v2/alerts is added unless given). */
export function alertmanagerEndpoint(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--alertmanager: "${redactUrl(value)}" is not a URL; give Alertmanager's address, e.g. http://alertmanager:9093`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--alertmanager: "${redactUrl(value)}" is not an http:// or https:// URL`);
  if (!url.pathname.endsWith('/api/v2/alerts')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return url;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One incident as an alert. Labels are what Alertmanager groups, silences
 * and routes by (one open incident per device and type, so they identify it
 * while it is open); the rest goes into annotations.
 */
export function toAlert(incident: Incident, host: string, nowMs: number, pageUrl: string | undefined): PostableAlert {
  const started = iso(incident.eventStartAt);
  const resolved = incident.resolvedAt !== undefined;
  const lasted = (resolved ? incident.resolvedAt! : nowMs) - Date.parse(started);
  return {
    labels: { alertname: ALERT_NAME, host, device: incident.device, type: incident.type },
    annotations: {
      summary: `${host} ${incident.device}: ${incident.type} ${resolved ? 'ended after' : 'for'} ${formatDuration(Math.max(0, lasted))} (incident #${incident.id})`,
      started,
      evidence: incident.evidence.join('\n'),
      incident: String(incident.id),
      // Alertmanager's own fields are its API's (camelCase); ours ride in an annotation, a string like all of them.
      schema_version: String(SCHEMA_VERSION.alertmanagerAlert),
    },
    startsAt: started,
    endsAt: resolved ? iso(incident.resolvedAt!) : iso(nowMs + FIRING_VALID_MS),
    ...(pageUrl ? { generatorURL: `${pageUrl}#incident-${incident.id}` } : {}),
  };
}

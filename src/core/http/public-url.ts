import { UsageError } from '../errors.js';
import type { ClipPhase } from '../clips/clip-files.js';

/**
 * `--public-url`: the status page as people reach it (a reverse proxy, a
 * name on the farm's network). Webhook and Alertmanager payloads then link
 * to the incident and its clips there; the routes below are the page's own.
 */
export function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--public-url: "${value}" is not a URL; give the page's address as people open it, e.g. http://farm-host-3:9842/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--public-url: "${value}" is not an http:// or https:// URL`);
  if (url.username !== '' || url.password !== '') throw new UsageError('--public-url: no user:password@ (the link is sent to every receiver)');
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Where the page serves an incident's clip of this phase (404 until it is made, and when none could be). */
export function clipRoute(incidentId: number, phase: ClipPhase): string {
  return `clips/incident/${incidentId}/${phase}.mp4`;
}

/** The incident's row on the page. */
export function incidentAnchor(incidentId: number): string {
  return `#incident-${incidentId}`;
}

/** The links a notification carries with --public-url: the incident on the page and its clips (the end clip once it resolved). */
export function incidentLinks(publicUrl: string, incidentId: number, resolved: boolean): { incident_url: string; clip_urls: string[] } {
  const phases: ClipPhase[] = resolved ? ['start', 'end'] : ['start'];
  return { incident_url: `${publicUrl}${incidentAnchor(incidentId)}`, clip_urls: phases.map((p) => `${publicUrl}${clipRoute(incidentId, p)}`) };
}

import type { Incident } from '../incidents/incident-store.js';
import { evidenceThumbnails } from './image-files.js';
import type { DeviceStatusSource, DeviceView } from './live-status-view.js';

/** What /api/status, /api/incidents and the page read. */
export interface StatusSources {
  devices: DeviceStatusSource;
  incidents: { open(): Incident[]; recentResolved(limit?: number): Incident[] };
  host: string;
  version: string;
  pid: number;
  startedAt: number;
  rssBytes: () => number;
  now?: () => number;
}

export interface DeviceJson {
  device: string;
  last_sequence: number | null;
  last_frame_time: string | null;
  last_frame_age_s: number | null;
  fps: number;
  frames_analysed: number;
  frames_dropped: number;
  frames_bad: number;
  states: DeviceView['states'];
  /** The latest thumbnail; its query changes with the sequence, so a browser reloads it only then. */
  thumbnail_url: string | null;
}

export interface StatusJson {
  host: string;
  version: string;
  pid: number;
  generated_at: string;
  uptime_s: number;
  rss_bytes: number;
  devices: DeviceJson[];
  open_incidents: number;
}

export interface IncidentJson {
  id: number;
  device: string;
  type: string;
  status: string;
  event_start: string | null;
  opened_at: string;
  resolved_at: string | null;
  duration_ms: number | null;
  resolve_reason: string | null;
  evidence: string[];
  thumbnails: { sequence: number; url: string }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const enc = encodeURIComponent;

export function statusJson(s: StatusSources): StatusJson {
  const now = (s.now ?? Date.now)();
  return {
    host: s.host,
    version: s.version,
    pid: s.pid,
    generated_at: iso(now),
    uptime_s: Math.round((now - s.startedAt) / 1000),
    rss_bytes: s.rssBytes(),
    devices: s.devices.devices(now).map((d) => ({
      device: d.device,
      last_sequence: d.lastSequence,
      last_frame_time: d.lastFrameTime,
      last_frame_age_s: d.lastFrameAt === null ? null : Math.max(0, Math.round((now - d.lastFrameAt) / 100) / 10),
      fps: d.fps,
      frames_analysed: d.analysed,
      frames_dropped: d.dropped,
      frames_bad: d.bad,
      states: d.states,
      thumbnail_url: d.lastSequence === null ? null : `/img/device/${enc(d.device)}/latest?s=${d.lastSequence}`,
    })),
    open_incidents: s.incidents.open().length,
  };
}

export function incidentJson(i: Incident): IncidentJson {
  const start = typeof i.metadata.event_start === 'string' ? i.metadata.event_start : null;
  return {
    id: i.id,
    device: i.device,
    type: i.type,
    status: i.status,
    event_start: start,
    opened_at: iso(i.openedAt),
    resolved_at: i.resolvedAt !== undefined ? iso(i.resolvedAt) : null,
    duration_ms: i.durationMs ?? null,
    resolve_reason: i.resolveReason ?? null,
    evidence: i.evidence,
    thumbnails: evidenceThumbnails(i.evidence).map((t, index) => ({ sequence: t.sequence, url: `/img/incident/${i.id}/${index}` })),
  };
}

export function incidentsJson(s: StatusSources): { open: IncidentJson[]; resolved: IncidentJson[] } {
  return { open: s.incidents.open().map(incidentJson), resolved: s.incidents.recentResolved().map(incidentJson) };
}

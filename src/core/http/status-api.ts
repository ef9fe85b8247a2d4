import type { Incident } from '../incidents/incident-store.js';
import { evidenceThumbnails } from './image-files.js';
import type { DeviceStatus, StatusSnapshot } from '../status/status-snapshot.js';

/** What /api/status, /api/incidents and the page read: the monitor's status snapshot (issue 11) and incidents.db. */
export interface StatusSources {
  /** The live monitor's snapshot now (the same shape as status.json). */
  snapshot: () => StatusSnapshot;
  incidents: { open(): Incident[]; recentResolved(limit?: number): Incident[] };
}

export interface DeviceJson extends DeviceStatus {
  /** The latest thumbnail; its query changes with the sequence, so a browser reloads it only then. */
  thumbnail_url: string | null;
}

/** `vpt status --json`'s data: the snapshot plus the open incidents, and each device's thumbnail URL. */
export interface StatusJson extends Omit<StatusSnapshot, 'devices'> {
  devices: DeviceJson[];
  open_incidents: IncidentJson[];
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
  const snapshot = s.snapshot();
  return {
    ...snapshot,
    devices: snapshot.devices.map((d) => ({
      ...d,
      thumbnail_url: d.last_sequence === null ? null : `/img/device/${enc(d.device)}/latest?s=${d.last_sequence}`,
    })),
    open_incidents: s.incidents.open().map(incidentJson),
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

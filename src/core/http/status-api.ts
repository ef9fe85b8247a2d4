import type { Incident } from '../incidents/incident.js';
import type { ActionRow, IncidentReader } from '../incidents/incident-reader.js';
import { evidenceThumbnails } from './image-files.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';
import type { DeviceStatus, StatusSnapshot } from '../status/status-snapshot.js';

/** What /api/status, /api/incidents and the page read: the monitor's status snapshot (issue 11) and incidents.db. */
export interface StatusSources {
  /** The live monitor's snapshot now (the same shape as status.json). */
  snapshot: () => StatusSnapshot;
  incidents: Pick<IncidentReader, 'openIncidents' | 'recentResolved'> & { actions?(id: number): ActionRow[] };
}

interface DeviceJson extends DeviceStatus {
  /** The latest thumbnail; its query changes with the sequence, so a browser reloads it only then. */
  thumbnail_url: string | null;
}

/** `vpt status --json`'s data: the snapshot plus the open incidents, and each device's thumbnail URL. */
export interface StatusJson extends Omit<StatusSnapshot, 'devices' | 'schema_version'> {
  schema_version: typeof SCHEMA_VERSION.apiStatus;
  devices: DeviceJson[];
  open_incidents: IncidentJson[];
}

export interface IncidentJson {
  id: number;
  device: string;
  type: string;
  status: string;
  event_start: string;
  opened_at: string;
  resolved_at: string | null;
  /** The event's duration so far (open: until now), whole ms, as `vpt incidents` reports it. */
  duration_ms: number;
  resolve_reason: string | null;
  evidence: string[];
  thumbnails: { sequence: number; url: string }[];
  /** What `[actions]` did for it (in /api/incidents; `vpt incidents show` lists the same). */
  actions?: ActionRow[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const enc = encodeURIComponent;

export function statusJson(s: StatusSources): StatusJson {
  const snapshot = s.snapshot();
  return {
    ...snapshot,
    schema_version: SCHEMA_VERSION.apiStatus,
    devices: snapshot.devices.map((d) => ({
      ...d,
      // The analysed frame's picture, the one its badges describe (the route serves the sequence the URL names).
      thumbnail_url: d.analysed_sequence === null ? null : `/img/device/${enc(d.device)}/latest?s=${d.analysed_sequence}`,
    })),
    open_incidents: s.incidents.openIncidents().map((i) => incidentJson(i)),
  };
}

function incidentJson(i: Incident, nowMs = Date.now()): IncidentJson {
  return {
    id: i.id,
    device: i.device,
    type: i.type,
    status: i.status,
    event_start: iso(i.eventStartAt),
    opened_at: iso(i.openedAt),
    resolved_at: i.resolvedAt !== undefined ? iso(i.resolvedAt) : null,
    duration_ms: i.durationMs ?? Math.max(0, Math.round(nowMs - i.eventStartAt)),
    resolve_reason: i.resolveReason ?? null,
    evidence: i.evidence,
    thumbnails: evidenceThumbnails(i.evidence).map((t, index) => ({ sequence: t.sequence, url: `/img/incident/${i.id}/${index}` })),
  };
}

export function incidentsJson(s: StatusSources): { schema_version: typeof SCHEMA_VERSION.apiIncidents; open: IncidentJson[]; resolved: IncidentJson[] } {
  const now = Date.now();
  const withActions = (i: Incident): IncidentJson => ({ ...incidentJson(i, now), actions: s.incidents.actions?.(i.id) ?? [] });
  return {
    schema_version: SCHEMA_VERSION.apiIncidents,
    open: s.incidents.openIncidents().map(withActions),
    resolved: s.incidents.recentResolved().map(withActions),
  };
}

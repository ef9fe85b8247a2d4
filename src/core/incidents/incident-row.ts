import type { AnyIncidentType } from '../events/types.js';
import type { Incident, IncidentStatus, ResolveReason } from './incident.js';

/**
 * An `incidents` row as SQLite returns it, for every reader of the table
 * (the store, the page's reader, the Alertmanager rounds). A reader that
 * selects fewer columns leaves the optional ones out.
 */
export interface IncidentRow {
  id: number;
  device: string;
  type: AnyIncidentType;
  status: IncidentStatus;
  event_start: string;
  opened_at: string;
  resolved_at: string | null;
  duration_ms?: number | null;
  evidence: string;
  metadata: string;
  resolve_reason?: ResolveReason | null;
}

export function toIncident(row: IncidentRow): Incident {
  const incident: Incident = {
    id: row.id,
    device: row.device,
    type: row.type,
    status: row.status,
    eventStartAt: Date.parse(row.event_start),
    openedAt: Date.parse(row.opened_at),
    evidence: JSON.parse(row.evidence) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  };
  if (row.resolved_at !== null) incident.resolvedAt = Date.parse(row.resolved_at);
  if (row.duration_ms !== undefined && row.duration_ms !== null) incident.durationMs = row.duration_ms;
  if (row.resolve_reason !== undefined && row.resolve_reason !== null) incident.resolveReason = row.resolve_reason;
  return incident;
}

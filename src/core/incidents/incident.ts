import type { AnyIncidentType } from '../events/types.js';

export type IncidentStatus = 'open' | 'resolved';
/** Why an incident was resolved: its event ended, the monitor restarted, or the device is no longer monitored. */
export type ResolveReason = 'cleared' | 'restart' | 'device_removed';
export type OutboxEvent = 'incident_opened' | 'incident_resolved';

/** An incident as the monitor, the page, the webhook and Alertmanager see it (incident-row.ts reads it from SQLite). */
export interface Incident {
  id: number;
  device: string;
  type: AnyIncidentType;
  status: IncidentStatus;
  /** When the event began (epoch ms; frame clock, wall clock for stalls): what a person calls "since". */
  eventStartAt: number;
  /** When the incident was opened (the event had lasted --incident-delay). */
  openedAt: number;
  resolvedAt?: number;
  /** The event's real duration: resolvedAt - eventStartAt, whole ms. */
  durationMs?: number;
  /** Cold-storage paths of the evidence frames. */
  evidence: string[];
  metadata: Record<string, unknown>;
  resolveReason?: ResolveReason;
}

import { hostname } from 'node:os';
import type { Incident, OutboxEvent } from '../incidents/incident.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';

/** One notification waiting to be delivered (an `outbox` row). */
export interface OutboxRow {
  /** The row's own id: unique per notification, sent as `delivery_id` so a receiver can drop duplicates. */
  id: number;
  incidentId: number;
  event: OutboxEvent;
  /** The incident as it was when the change was recorded (the row's payload). */
  incident: Incident;
  /** Failed attempts so far. */
  attempts: number;
  createdAt: number;
}

/**
 * The durable queue the webhook sender drains. Rows are written in the same
 * transaction as the incident change (IncidentStore), so nothing recorded
 * can miss its notification; a row stays until markSent.
 */
export interface Outbox {
  /** Unsent rows whose next attempt is due at nowMs, oldest first, at most `limit`. */
  due(nowMs: number, limit: number): OutboxRow[];
  markSent(id: number, atMs: number): void;
  markFailed(id: number, attempts: number, nextAttemptAtMs: number, error: string): void;
  /** How many rows are still unsent (for the exit log line). */
  pendingCount(): number;
}

/** The JSON body POSTed for one row. Times are ISO 8601 on the frame clock. */
export interface WebhookPayload {
  /** docs/schemas/webhook.schema.json */
  schema_version: typeof SCHEMA_VERSION.webhook;
  /** The incident id: both notifications of one incident carry it (unique per host, not across a fleet). */
  id: number;
  /** The host that recorded the incident (os.hostname()): a fleet's receiver pairs and dedupes per host. */
  host: string;
  event: OutboxEvent;
  device: string;
  type: string;
  status: string;
  /** When the event began; duration_ms runs from here. Absent in rows queued by a vpt before schema 2. */
  event_start: string;
  opened_at: string;
  resolved_at: string | null;
  duration_ms: number | null;
  resolve_reason: string | null;
  evidence: string[];
  metadata: Record<string, unknown>;
  /** The outbox row: unique per notification; a retry after a lost response repeats it. */
  delivery_id: number;
}

export function toWebhookPayload(row: OutboxRow, host: string = hostname()): WebhookPayload {
  const i = row.incident;
  return {
    schema_version: SCHEMA_VERSION.webhook,
    id: row.incidentId,
    host,
    event: row.event,
    device: i.device,
    type: i.type,
    status: i.status,
    event_start: new Date(i.eventStartAt ?? i.openedAt).toISOString(),
    opened_at: new Date(i.openedAt).toISOString(),
    resolved_at: i.resolvedAt !== undefined ? new Date(i.resolvedAt).toISOString() : null,
    duration_ms: i.durationMs ?? null,
    resolve_reason: i.resolveReason ?? null,
    evidence: i.evidence,
    metadata: i.metadata,
    delivery_id: row.id,
  };
}

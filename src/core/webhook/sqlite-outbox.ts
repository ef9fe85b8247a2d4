import Database from 'better-sqlite3';
import type { Incident, OutboxEvent } from '../incidents/incident.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../incidents/incident-store.js';
import { migrate } from '../incidents/schema.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { iso } from '../units.js';

/** Delivered rows are kept this long (to answer "was it sent?"), then pruned so the table stays small. */
export const SENT_RETENTION_MS = 7 * 24 * 3600_000;

interface Row {
  id: number;
  incident_id: number;
  event: OutboxEvent;
  payload: string;
  attempts: number;
  created_at: string;
}

/**
 * `due(FAR_FUTURE_MS)` means "everything unsent". The last instant of year
 * 9999: later years print as `+010000-...`, and `+` sorts before digits, which
 * would break the text comparison of ISO times.
 */
export const FAR_FUTURE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The Outbox on incidents.db's `outbox` table (schema in incidents/schema.ts),
 * through its own connection: WAL lets it read and update while the monitor's
 * IncidentStore writes. Times are stored as ISO strings, which compare in
 * time order as text.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string, options: { busyTimeoutMs?: number } = {}) {
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db, file);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.sql = {
      due: this.db.prepare<[string, number], Row>(
        `SELECT id, incident_id, event, payload, attempts, created_at FROM outbox
         WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
      ),
      sent: this.db.prepare<[string, number]>('UPDATE outbox SET sent_at = ? WHERE id = ?'),
      failed: this.db.prepare<[number, string, number]>('UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ? AND sent_at IS NULL'),
      pending: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'),
      prune: this.db.prepare<[string]>('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?'),
    };
  }

  due(nowMs: number, limit: number): OutboxRow[] {
    return this.sql.due.all(iso(Math.min(nowMs, FAR_FUTURE_MS)), limit).map((row) => {
      const payload = JSON.parse(row.payload) as { incident: Incident };
      return {
        id: row.id,
        incidentId: row.incident_id,
        event: row.event,
        incident: payload.incident,
        attempts: row.attempts,
        createdAt: Date.parse(row.created_at),
      };
    });
  }

  markSent(id: number, atMs: number): void {
    this.sql.sent.run(iso(atMs), id);
  }

  /** The table has no error column (schema v1); the sender logs the error instead. */
  markFailed(id: number, attempts: number, nextAttemptAtMs: number, _error: string): void {
    this.sql.failed.run(attempts, iso(nextAttemptAtMs), id);
  }

  pendingCount(): number {
    return this.sql.pending.get()!.n;
  }

  /** Delete rows delivered before `beforeMs`; returns how many. */
  pruneSent(beforeMs: number): number {
    return this.sql.prune.run(iso(beforeMs)).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

import Database from 'better-sqlite3';
import type { Incident } from '../incidents/incident.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../incidents/incident-store.js';
import { toIncident, type IncidentRow as Row } from '../incidents/incident-row.js';
import { RESOLVED_LOOKBACK_MS } from './resolved-lookback.js';

/** Open incidents posted per round at most (one per device and type: only a huge farm reaches it). */
const MAX_OPEN_POSTED = 500;
/** Resolved incidents whose endsAt is still owed, per round. */
const MAX_RESOLVED_POSTED = 100;

/**
 * The Alertmanager side of incidents.db, on its own connection. Open
 * incidents are the alerts to (re-)post: the incidents table itself is the
 * durable queue. A resolution must reach Alertmanager once: table
 * `alertmanager_resolved` remembers which did, so one that failed is posted
 * again after a restart. A table of its own (created if missing), outside the
 * versioned incident schema: dropping it only re-sends recent resolutions.
 */
export class AlertmanagerDeliveries {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(file: string) {
    this.db = new Database(file, { fileMustExist: true, timeout: DEFAULT_BUSY_TIMEOUT_MS });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.exec('CREATE TABLE IF NOT EXISTS alertmanager_resolved (incident_id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL)');
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.sql = {
      open: this.db.prepare<[number], Row>(`SELECT * FROM incidents WHERE status = 'open' ORDER BY id LIMIT ?`),
      owed: this.db.prepare<[string, number], Row>(
        `SELECT i.* FROM incidents i LEFT JOIN alertmanager_resolved a ON a.incident_id = i.id
         WHERE i.status = 'resolved' AND i.resolved_at >= ? AND a.incident_id IS NULL ORDER BY i.resolved_at, i.id LIMIT ?`,
      ),
      sent: this.db.prepare<[number, string]>('INSERT OR REPLACE INTO alertmanager_resolved (incident_id, sent_at) VALUES (?, ?)'),
      prune: this.db.prepare<[string]>('DELETE FROM alertmanager_resolved WHERE sent_at < ?'),
    };
  }

  open(): Incident[] {
    return this.sql.open.all(MAX_OPEN_POSTED).map(toIncident);
  }

  /** Resolved incidents whose resolution has not reached Alertmanager yet, oldest first. */
  resolvedOwed(nowMs: number): Incident[] {
    return this.sql.owed.all(new Date(nowMs - RESOLVED_LOOKBACK_MS).toISOString(), MAX_RESOLVED_POSTED).map(toIncident);
  }

  markResolvedSent(ids: readonly number[], nowMs: number): void {
    const at = new Date(nowMs).toISOString();
    this.db.transaction(() => {
      for (const id of ids) this.sql.sent.run(id, at);
      // Beyond the lookback a row is never asked about again.
      this.sql.prune.run(new Date(nowMs - 2 * RESOLVED_LOOKBACK_MS).toISOString());
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

import type Database from 'better-sqlite3';
import { RESOLVED_LOOKBACK_MS } from '../alertmanager/resolved-lookback.js';

/**
 * Evidence frames are copied around an event (the frame before, the first,
 * the last), so two incidents share a file only when their events touch.
 * Incidents further apart than this from a pruned batch are not asked
 * whether they still use its files: the check stays an index range on
 * event_start instead of a scan of every incident's evidence.
 */
const EVIDENCE_SHARING_MARGIN_MS = 3_600_000;

export interface PruneCandidate {
  id: number;
  device: string;
  evidence: string[];
}

/** Resolved incidents kept by a prune because a notification about them is still owed. */
export interface UndeliveredCounts {
  /** Incidents with webhook outbox rows not sent yet (retried until delivered). */
  webhook: number;
  /** Resolutions Alertmanager has not received yet (owed until its own 24 h lookback passes). */
  alertmanager: number;
}

/**
 * The SQL side of retention (`--keep-incidents`) and `vpt incidents prune`,
 * on the store's connection. An incident whose webhook or Alertmanager
 * notification is still owed is never a candidate: pruning it deleted the
 * notification (8 incidents opened and resolved while the endpoint answered
 * 500: 0 of 16 notifications delivered after it recovered).
 */
export class PruneQueries {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** Up to `limit` resolved incidents that ended before `cutoff` and owe nothing, oldest first, with their evidence. */
  candidates(cutoffMs: number, nowMs: number, limit: number): PruneCandidate[] {
    const alertmanager = this.hasAlertmanagerTable();
    const rows = this.db
      .prepare<unknown[], { id: number; device: string; evidence: string }>(
        `SELECT i.id, i.device, i.evidence FROM incidents i
         WHERE i.status = 'resolved' AND i.resolved_at < ?
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.incident_id = i.id AND o.sent_at IS NULL)
           ${alertmanager ? 'AND NOT (i.resolved_at >= ? AND NOT EXISTS (SELECT 1 FROM alertmanager_resolved a WHERE a.incident_id = i.id))' : ''}
         ORDER BY i.id LIMIT ?`,
      )
      .all(new Date(cutoffMs).toISOString(), ...(alertmanager ? [owedSince(nowMs)] : []), limit);
    return rows.map((r) => ({ id: r.id, device: r.device, evidence: evidenceList(r.evidence) }));
  }

  /** Which of `paths` another incident (not in `ids`) whose event came near theirs still lists as evidence. */
  stillReferenced(ids: readonly number[], paths: readonly string[]): Set<string> {
    if (paths.length === 0) return new Set();
    const span = this.db
      .prepare<unknown[], { first: string | null; last: string | null }>(
        `SELECT min(event_start) AS first, max(resolved_at) AS last FROM incidents WHERE id IN (${ids.map(() => '?').join(',')})`,
      )
      .get(...ids);
    if (!span?.first || !span.last) return new Set();
    const from = new Date(Date.parse(span.first) - EVIDENCE_SHARING_MARGIN_MS).toISOString();
    const to = new Date(Date.parse(span.last) + EVIDENCE_SHARING_MARGIN_MS).toISOString();
    const used = this.db
      .prepare<unknown[], string>(
        `SELECT DISTINCT j.value FROM incidents i, json_each(CASE WHEN json_valid(i.evidence) THEN i.evidence ELSE '[]' END) j
         WHERE i.event_start <= ? AND coalesce(i.resolved_at, ?) >= ?
           AND i.id NOT IN (${ids.map(() => '?').join(',')})
           AND j.value IN (${paths.map(() => '?').join(',')})`,
      )
      .pluck()
      .all(to, to, from, ...ids, ...paths);
    return new Set(used);
  }

  /** Delete the incidents and their (delivered) webhook rows; returns how many incidents went. */
  remove(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    const list = `(${ids.map(() => '?').join(',')})`;
    this.db.prepare(`DELETE FROM outbox WHERE incident_id IN ${list}`).run(...ids);
    if (this.hasAlertmanagerTable()) this.db.prepare(`DELETE FROM alertmanager_resolved WHERE incident_id IN ${list}`).run(...ids);
    return this.db.prepare(`DELETE FROM incidents WHERE id IN ${list}`).run(...ids).changes;
  }

  /** Resolved incidents older than the cutoff that a prune keeps because a notification is owed. */
  undelivered(cutoffMs: number, nowMs: number): UndeliveredCounts {
    const cutoff = new Date(cutoffMs).toISOString();
    const webhook = this.db
      .prepare<[string], number>(
        `SELECT count(*) FROM incidents i WHERE i.status = 'resolved' AND i.resolved_at < ?
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.incident_id = i.id AND o.sent_at IS NULL)`,
      )
      .pluck()
      .get(cutoff)!;
    const alertmanager = this.hasAlertmanagerTable()
      ? this.db
          .prepare<[string, string], number>(
            `SELECT count(*) FROM incidents i WHERE i.status = 'resolved' AND i.resolved_at < ? AND i.resolved_at >= ?
               AND NOT EXISTS (SELECT 1 FROM alertmanager_resolved a WHERE a.incident_id = i.id)`,
          )
          .pluck()
          .get(cutoff, owedSince(nowMs))!
      : 0;
    return { webhook, alertmanager };
  }

  /** The Alertmanager sender creates its table on first use: without it, nothing was ever owed to Alertmanager. */
  private hasAlertmanagerTable(): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alertmanager_resolved'`).get() !== undefined;
  }
}

/** Resolutions since this moment are still owed to Alertmanager until it has them. */
function owedSince(nowMs: number): string {
  return new Date(nowMs - RESOLVED_LOOKBACK_MS).toISOString();
}

function evidenceList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

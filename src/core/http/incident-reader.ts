import Database from 'better-sqlite3';
import path from 'node:path';
import type { Incident } from '../incidents/incident-store.js';
import { toIncident, type IncidentRow as Row } from '../incidents/incident-row.js';
import { ACTIONS_SHOWN, type ActionRow as ActionJson } from '../incidents/incident-queries.js';

/** The page lists the open incidents and this many of the last resolved ones. */
const RESOLVED_LISTED = 50;
/** Open incidents listed at most (one per device and type, so only a huge farm reaches it). */
const OPEN_LISTED = 500;
/** A read waits this long for a writer: the page must not stall the event loop the monitor's analysis runs on. */
const READ_BUSY_TIMEOUT_MS = 100;

interface OutboxCounts {
  pending: number;
  /** Unsent rows that failed at least once. */
  failed: number;
}

/**
 * (`vpt incidents` has its own reader, incidents/incident-queries.ts, which
 * also reads databases of older schemas; this one serves the running
 * monitor's own, always current, database and the outbox counts.)
 * The page's own read-only connection to incidents.db: WAL lets it read while
 * the monitor writes, and nothing the HTTP side does can write.
 */
export class IncidentReader {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(stateDir: string) {
    this.db = new Database(path.join(stateDir, 'incidents.db'), { readonly: true, fileMustExist: true, timeout: READ_BUSY_TIMEOUT_MS });
    this.sql = {
      open: this.db.prepare<[number], Row>(`SELECT * FROM incidents WHERE status = 'open' ORDER BY id LIMIT ?`),
      resolved: this.db.prepare<[number], Row>(`SELECT * FROM incidents WHERE status = 'resolved' ORDER BY id DESC LIMIT ?`),
      byId: this.db.prepare<[number], Row>('SELECT * FROM incidents WHERE id = ?'),
      actions: this.db.prepare<[number, number], Omit<ActionJson, 'command'> & { command: string }>(
        'SELECT trigger, command, result, exit_code, duration_ms, output, started_at FROM incident_actions WHERE incident_id = ? ORDER BY id LIMIT ?',
      ),
      outbox: this.db.prepare<[], { pending: number; failed: number }>(
        'SELECT count(*) AS pending, coalesce(sum(attempts > 0), 0) AS failed FROM outbox WHERE sent_at IS NULL',
      ),
    };
  }

  open(): Incident[] {
    return this.sql.open.all(OPEN_LISTED).map(toIncident);
  }

  recentResolved(limit = RESOLVED_LISTED): Incident[] {
    return this.sql.resolved.all(Math.min(limit, RESOLVED_LISTED)).map(toIncident);
  }

  get(id: number): Incident | undefined {
    const row = this.sql.byId.get(id);
    return row ? toIncident(row) : undefined;
  }

  /** What `[actions]` did for an incident (the same rows `vpt incidents show` lists). */
  actions(id: number): ActionJson[] {
    return this.sql.actions.all(id, ACTIONS_SHOWN).map((r) => ({ ...r, command: safeJson(r.command) }));
  }

  outbox(): OutboxCounts {
    return this.sql.outbox.get() ?? { pending: 0, failed: 0 };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function safeJson(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

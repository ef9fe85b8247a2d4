import Database from 'better-sqlite3';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXIT, VptError, errnoCode } from '../errors.js';
import { DEFAULT_BUSY_TIMEOUT_MS, INCIDENTS_DB_FILE } from './incident-store.js';
import type { Incident, IncidentStatus, ResolveReason } from './incident.js';
import { toIncident, type IncidentRow } from './incident-row.js';
import { SCHEMA_VERSION } from './schema.js';

/** `vpt incidents` lists at most this many unless --limit says otherwise. */
const DEFAULT_LIST_LIMIT = 100;
/** Incidents deleted per transaction when pruning: short transactions never hold a running monitor's writes for long. */
export const PRUNE_BATCH = 500;

/** The page lists the open incidents and this many of the last resolved ones. */
const RESOLVED_LISTED = 50;
/** Open incidents listed at most (one per device and type, so only a huge farm reaches it). */
const OPEN_LISTED = 500;

/** An incident as `vpt incidents` shows it (JSON, CSV, text): evidence and metadata parsed, a duration also for open ones. */
export interface IncidentView {
  id: number;
  device: string;
  type: string;
  status: IncidentStatus;
  event_start: string;
  opened_at: string;
  resolved_at: string | null;
  /** The event's duration so far (open: until the query's now), whole ms. */
  duration_ms: number;
  resolve_reason: ResolveReason | null;
  evidence: string[];
  metadata: Record<string, unknown>;
}

export interface IncidentFilter {
  /** Only open incidents. */
  open?: boolean;
  device?: string;
  type?: string;
  /** Incidents open at some time in [since, until] (epoch ms). */
  since?: number;
  until?: number;
  limit?: number;
}

/** Actions listed per incident at most (the rate limit keeps it to a few). */
export const ACTIONS_SHOWN = 100;
/** The schema version that added incident_actions. */
const ACTIONS_SCHEMA = 3;

/** One `[actions]` run recorded for an incident (incident_actions). */
export interface ActionRow {
  trigger: string;
  command: string[];
  result: string;
  exit_code: number | null;
  duration_ms: number | null;
  output: string;
  started_at: string;
}

export interface Delivery {
  event: string;
  attempts: number;
  created_at: string;
  sent_at: string | null;
  next_attempt_at: string | null;
}

export class NoIncidentDatabaseError extends VptError {
  constructor(file: string) {
    super(`no incident database at ${file}: has vpt monitor run with this --state-dir?`, EXIT.unknown);
  }
}

interface OutboxCounts {
  pending: number;
  /** Unsent rows that failed at least once. */
  failed: number;
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/**
 * incidents.db for reading, the one reader (`vpt incidents`, `vpt status`
 * and the monitor's page), through a read-only connection with a busy
 * timeout: works next to a running monitor (WAL: readers never block it, nor
 * it them) and on a copied file; nothing a reader does can write. A database
 * from before schema 2 is read with its event start taken from metadata, as
 * the migration would.
 */
export class IncidentReader {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly startExpr: string;
  /** Schema 3 or later: the incident_actions table exists. */
  private readonly hasActions: boolean;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
    const version = db.pragma('user_version', { simple: true }) as number;
    this.hasActions = version >= ACTIONS_SCHEMA;
    this.startExpr =
      version >= SCHEMA_VERSION ? 'event_start' : `coalesce(CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.event_start') END, opened_at)`;
  }

  /**
   * The running monitor's own database, for its page: `busyTimeoutMs` short (a read must not stall the
   * event loop the analysis runs on), and the file exists (the monitor created it).
   */
  static openLive(stateDir: string, busyTimeoutMs: number): IncidentReader {
    const file = path.join(stateDir, INCIDENTS_DB_FILE);
    return new IncidentReader(file, new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs }));
  }

  static async openInDir(stateDir: string): Promise<IncidentReader> {
    const file = path.join(stateDir, INCIDENTS_DB_FILE);
    try {
      await fs.access(file);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw new NoIncidentDatabaseError(file);
    }
    try {
      return new IncidentReader(file, new Database(file, { readonly: true, fileMustExist: true, timeout: DEFAULT_BUSY_TIMEOUT_MS }));
    } catch (err) {
      throw new VptError(`cannot read incident database ${file}: ${err instanceof Error ? err.message : String(err)}`, EXIT.critical, { cause: err });
    }
  }

  list(filter: IncidentFilter, nowMs: number): IncidentView[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.open) where.push(`status = 'open'`);
    if (filter.device !== undefined) {
      where.push('device = ?');
      args.push(filter.device);
    }
    if (filter.type !== undefined) {
      where.push('type = ?');
      args.push(filter.type);
    }
    if (filter.until !== undefined) {
      where.push(`${this.startExpr} <= ?`);
      args.push(new Date(filter.until).toISOString());
    }
    if (filter.since !== undefined) {
      where.push('(resolved_at IS NULL OR resolved_at >= ?)');
      args.push(new Date(filter.since).toISOString());
    }
    const sql =
      `SELECT id, device, type, status, ${this.startExpr} AS event_start, opened_at, resolved_at, duration_ms, resolve_reason, evidence, metadata ` +
      `FROM incidents ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], IncidentRow>(sql)
      .all(...args, filter.limit ?? DEFAULT_LIST_LIMIT)
      .map((r) => toRow(r, nowMs));
  }

  get(id: number, nowMs: number): IncidentView | undefined {
    const row = this.db
      .prepare<[number], IncidentRow>(
        `SELECT id, device, type, status, ${this.startExpr} AS event_start, opened_at, resolved_at, duration_ms, resolve_reason, evidence, metadata FROM incidents WHERE id = ?`,
      )
      .get(id);
    return row ? toRow(row, nowMs) : undefined;
  }

  /** What `[actions]` did for one incident, oldest first (none before schema 3, or when nothing was configured). */
  actions(id: number): ActionRow[] {
    if (!this.hasActions) return [];
    return this.db
      .prepare<[number, number], Omit<ActionRow, 'command'> & { command: string }>(
        `SELECT trigger, command, result, exit_code, duration_ms, output, started_at FROM incident_actions WHERE incident_id = ? ORDER BY id LIMIT ?`,
      )
      .all(id, ACTIONS_SHOWN)
      .map((r) => ({ ...r, command: parseJson<string[]>(r.command, []) }));
  }

  /** The webhook notifications of one incident (none when no webhook was configured). */
  deliveries(id: number): Delivery[] {
    return this.db
      .prepare<[number], Delivery>(
        `SELECT event, attempts, created_at, sent_at, CASE WHEN sent_at IS NULL THEN next_attempt_at END AS next_attempt_at FROM outbox WHERE incident_id = ? ORDER BY id`,
      )
      .all(id);
  }

  /** The page: open incidents, oldest first. */
  openIncidents(): Incident[] {
    return this.db.prepare<[number], IncidentRow>(`SELECT * FROM incidents WHERE status = 'open' ORDER BY id LIMIT ?`).all(OPEN_LISTED).map(toIncident);
  }

  /** The page: the last resolved incidents, newest first. */
  recentResolved(limit = RESOLVED_LISTED): Incident[] {
    return this.db
      .prepare<[number], IncidentRow>(`SELECT * FROM incidents WHERE status = 'resolved' ORDER BY id DESC LIMIT ?`)
      .all(Math.min(limit, RESOLVED_LISTED))
      .map(toIncident);
  }

  /** The page: one incident (its evidence is served only while it is listed here). */
  incident(id: number): Incident | undefined {
    const row = this.db.prepare<[number], IncidentRow>('SELECT * FROM incidents WHERE id = ?').get(id);
    return row ? toIncident(row) : undefined;
  }

  /** Webhook notifications not yet delivered, and how many of them failed at least once. */
  outboxCounts(): OutboxCounts {
    return (
      this.db.prepare<[], OutboxCounts>('SELECT count(*) AS pending, coalesce(sum(attempts > 0), 0) AS failed FROM outbox WHERE sent_at IS NULL').get() ?? {
        pending: 0,
        failed: 0,
      }
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toRow(r: IncidentRow, nowMs: number): IncidentView {
  const start = Date.parse(r.event_start);
  return {
    ...r,
    resolve_reason: r.resolve_reason ?? null,
    duration_ms: r.duration_ms ?? Math.max(0, Math.round(nowMs - start)),
    evidence: parseJson<string[]>(r.evidence, []),
    metadata: parseJson<Record<string, unknown>>(r.metadata, {}),
  };
}

import Database from 'better-sqlite3';
import path from 'node:path';
import { EXIT, VptError } from '../errors.js';
import type { AnyIncidentType } from '../events/types.js';
import type { Incident, OutboxEvent, ResolveReason } from './incident.js';
import { toIncident, type IncidentRow as Row } from './incident-row.js';
import { PruneQueries } from './prune-queries.js';
import { migrate } from './schema.js';
import { IncidentStoreCorruptError, IncidentStoreWriteError, isBusy, isCorrupt, sqliteCode } from './store-errors.js';
import { checkIntact, probeWritable } from './store-start-checks.js';
import { iso } from '../units.js';
import { assertMainFileWritable } from './main-file-writable.js';

export const INCIDENTS_DB_FILE = 'incidents.db';
/** How long a write waits for another connection's lock before giving up with a clear error. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/**
 * The running live monitor's wait: better-sqlite3 is synchronous, so a wait
 * stalls every device's analysis; the tracker retries later instead
 * (STORE_RETRY_MS). Our own transactions take microseconds.
 */
export const LIVE_BUSY_TIMEOUT_MS = 250;

export interface IncidentStoreOptions {
  /** Write an outbox row with every change (only when a webhook is configured). */
  outbox?: boolean;
  busyTimeoutMs?: number;
  /** Wall clock for outbox bookkeeping (tests inject one). */
  now?: () => number;
}

/** Another process holds the database lock longer than the busy timeout. */
export class IncidentStoreLockedError extends VptError {
  constructor(file: string, cause: unknown) {
    super(`${file} is locked by another process; stop it (another vpt monitor on this --state-dir?) or use another --state-dir`, EXIT.critical, { cause });
  }
}

/** The file cannot be opened or is not an SQLite database. */
export class IncidentStoreOpenError extends VptError {
  constructor(file: string, detail: string, cause: unknown) {
    super(`cannot open incident database ${file}: ${detail}; move it aside or choose another --state-dir`, EXIT.critical, { cause });
  }
}

function prepareStatements(db: Database.Database) {
  return {
    openFor: db.prepare<[string, string], Row>(`SELECT * FROM incidents WHERE device = ? AND type = ? AND status = 'open'`),
    insert: db.prepare<[string, string, string, string, string, string], Row>(
      `INSERT INTO incidents (device, type, status, event_start, opened_at, evidence, metadata) VALUES (?, ?, 'open', ?, ?, ?, ?) RETURNING *`,
    ),
    allOpen: db.prepare<[], Row>(`SELECT * FROM incidents WHERE status = 'open' ORDER BY id`),
    byId: db.prepare<[number], Row>('SELECT * FROM incidents WHERE id = ?'),
    openById: db.prepare<[number], Row>(`SELECT * FROM incidents WHERE id = ? AND status = 'open'`),
    resolve: db.prepare<[string, number, string, string, number], Row>(
      `UPDATE incidents SET status = 'resolved', resolved_at = ?, duration_ms = ?, evidence = ?, resolve_reason = ?
       WHERE id = ? RETURNING *`,
    ),
    enqueue: db.prepare<[number, string, string, string, string]>(
      'INSERT INTO outbox (incident_id, event, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
  };
}

/**
 * Incidents in SQLite (WAL, so readers such as a dashboard never block the
 * monitor). Synchronous by design: better-sqlite3 calls are microseconds and
 * each change is one transaction together with its outbox row, so a crash
 * can lose neither half.
 */
export class IncidentStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly outbox: boolean;
  private readonly now: () => number;
  // Prepared once: the monitor writes on every incident change for weeks.
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly pruneSql: PruneQueries;

  private constructor(file: string, db: Database.Database, options: IncidentStoreOptions) {
    this.file = file;
    this.db = db;
    this.outbox = options.outbox ?? false;
    this.now = options.now ?? Date.now;
    this.sql = prepareStatements(db);
    this.pruneSql = new PruneQueries(db);
  }

  /** Open (creating and migrating) `<stateDir>/incidents.db`. */
  static openInDir(stateDir: string, options: IncidentStoreOptions = {}): IncidentStore {
    return IncidentStore.open(path.join(stateDir, INCIDENTS_DB_FILE), options);
  }

  static open(file: string, options: IncidentStoreOptions = {}): IncidentStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only power loss can drop the last commit.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
      checkIntact(db, file);
      probeWritable(db, file);
      return new IncidentStore(file, db, options);
    } catch (err) {
      db?.close();
      if (err instanceof VptError) throw err;
      if (isBusy(err)) throw new IncidentStoreLockedError(file, err);
      if (isCorrupt(sqliteCode(err))) throw new IncidentStoreCorruptError(file, err instanceof Error ? err.message : String(err), err);
      throw new IncidentStoreOpenError(file, err instanceof Error ? err.message : String(err), err);
    }
  }

  /**
   * Open an incident for an event that began at `eventStart` (default: now);
   * if one is already open for this device and type, that one is returned unchanged.
   */
  open(
    device: string,
    type: AnyIncidentType,
    openedAt: number,
    evidence: readonly string[],
    metadata: Record<string, unknown> = {},
    eventStart: number = openedAt,
  ): Incident {
    return this.write(() => {
      const existing = this.sql.openFor.get(device, type);
      if (existing) return toIncident(existing);
      const row = this.sql.insert.get(device, type, iso(Math.min(eventStart, openedAt)), iso(openedAt), JSON.stringify(evidence), JSON.stringify(metadata))!;
      const incident = toIncident(row);
      this.enqueue('incident_opened', incident);
      return incident;
    });
  }

  /**
   * Resolve an open incident; `evidence` (the frames copied at the event's
   * end) is appended. Returns undefined when it was not open.
   */
  resolve(id: number, resolvedAt: number, reason: ResolveReason, evidence: readonly string[] = []): Incident | undefined {
    return this.write(() => this.resolveRow(id, resolvedAt, reason, evidence));
  }

  openIncidents(): Incident[] {
    return this.sql.allOpen.all().map(toIncident);
  }

  get(id: number): Incident | undefined {
    const row = this.sql.byId.get(id);
    return row ? toIncident(row) : undefined;
  }

  /** At start: whatever a previous run left open can no longer be watched to its end. */
  resolveAllOpen(reason: ResolveReason, at: number): Incident[] {
    return this.write(() => this.openIncidents().map((i) => this.resolveRow(i.id, at, reason, [])!));
  }

  /** Incidents of devices this run does not monitor would stay open forever. */
  resolveForDevicesNotIn(devices: readonly string[], reason: ResolveReason, at: number): Incident[] {
    const keep = new Set(devices);
    return this.write(() =>
      this.openIncidents()
        .filter((i) => !keep.has(i.device))
        .map((i) => this.resolveRow(i.id, at, reason, [])!),
    );
  }

  /** Retention's SQL (prune-incidents.ts), each call one short IMMEDIATE transaction like every other change. */
  prune<T>(fn: (queries: PruneQueries) => T): T {
    return this.write(() => fn(this.pruneSql));
  }

  /** How long a write waits for another connection's lock from now on (the live monitor shortens it: a wait blocks every device). */
  setBusyTimeout(ms: number): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  }

  /** False once closed (a retention sweep still deleting files when the monitor stops must not report that as a failure). */
  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private resolveRow(id: number, resolvedAt: number, reason: ResolveReason, evidence: readonly string[]): Incident | undefined {
    const current = this.sql.openById.get(id);
    if (!current) return undefined;
    // The event's duration, not the incident's: a 40 s blackscreen is 40 s, whatever --incident-delay was.
    const eventStart = Date.parse(current.event_start);
    const merged = [...new Set([...(JSON.parse(current.evidence) as string[]), ...evidence])];
    // A wall clock stepped back between the open and the resolution (NTP on a Pi without RTC) must not
    // store an incident resolved before it opened: it resolves no earlier than it opened.
    const at = Math.max(resolvedAt, Date.parse(current.opened_at));
    const row = this.sql.resolve.get(iso(at), Math.round(Math.max(0, at - eventStart)), JSON.stringify(merged), reason, id)!;
    const incident = toIncident(row);
    this.enqueue('incident_resolved', incident);
    return incident;
  }

  private enqueue(event: OutboxEvent, incident: Incident): void {
    if (!this.outbox) return;
    const now = iso(this.now());
    this.sql.enqueue.run(incident.id, event, JSON.stringify({ event, incident }), now, now);
  }

  /** One IMMEDIATE transaction per change; every SQLite refusal becomes a typed error (locked, or a write failure). */
  private write<T>(fn: () => T): T {
    assertMainFileWritable(this.file);
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      if (isBusy(err)) throw new IncidentStoreLockedError(this.file, err);
      const code = sqliteCode(err);
      if (code !== undefined) throw new IncidentStoreWriteError(this.file, code, err);
      throw err;
    }
  }
}

import type { Database } from 'better-sqlite3';
import { VptError, EXIT } from '../errors.js';

/**
 * The incidents.db schema, versioned with PRAGMA user_version. Each
 * migration moves the database from version i to i + 1 inside one
 * transaction, so a crash mid-upgrade leaves the previous version intact.
 * Append new migrations; never edit a released one.
 */
export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: incidents, and the webhook outbox written in the same transaction.
  `
  CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    device         TEXT    NOT NULL,
    type           TEXT    NOT NULL CHECK (type IN ('blackscreen', 'freeze', 'macroblocks', 'audio_loss')),
    status         TEXT    NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at      TEXT    NOT NULL,
    resolved_at    TEXT,
    duration_ms    INTEGER,
    evidence       TEXT    NOT NULL DEFAULT '[]',
    metadata       TEXT    NOT NULL DEFAULT '{}',
    resolve_reason TEXT
  );
  -- One open incident per device and type, enforced by the database itself.
  CREATE UNIQUE INDEX incidents_one_open ON incidents (device, type) WHERE status = 'open';
  CREATE INDEX incidents_opened_at ON incidents (opened_at);
  CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id     INTEGER NOT NULL REFERENCES incidents (id),
    event           TEXT    NOT NULL CHECK (event IN ('incident_opened', 'incident_resolved')),
    payload         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
  );
  CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;
  `,
  // 1 -> 2 (issue 11): the stall types; the event's start in its own column, and
  // duration_ms = the event's real duration (resolved - event start, not resolved
  // - opened, which hid the incident delay), always an integer. SQLite cannot
  // change a CHECK, so the table is rebuilt (migrate() turns foreign keys off
  // around it, as SQLite's ALTER TABLE procedure says). Old rows take their
  // start from metadata.event_start, else opened_at.
  `
  CREATE TABLE incidents_v2 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    device         TEXT    NOT NULL,
    type           TEXT    NOT NULL CHECK (type IN ('blackscreen', 'freeze', 'macroblocks', 'audio_loss', 'capture_stalled', 'segments_stalled')),
    status         TEXT    NOT NULL CHECK (status IN ('open', 'resolved')),
    event_start    TEXT    NOT NULL,
    opened_at      TEXT    NOT NULL,
    resolved_at    TEXT,
    duration_ms    INTEGER CHECK (duration_ms IS NULL OR typeof(duration_ms) = 'integer'),
    evidence       TEXT    NOT NULL DEFAULT '[]',
    metadata       TEXT    NOT NULL DEFAULT '{}',
    resolve_reason TEXT
  );
  INSERT INTO incidents_v2 (id, device, type, status, event_start, opened_at, resolved_at, duration_ms, evidence, metadata, resolve_reason)
    SELECT id, device, type, status, start, opened_at, resolved_at,
           CASE WHEN resolved_at IS NULL THEN NULL
                ELSE CAST(round(max(0, (julianday(resolved_at) - julianday(start)) * 86400000)) AS INTEGER) END,
           evidence, metadata, resolve_reason
    FROM (SELECT *, coalesce(CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.event_start') END, opened_at) AS start FROM incidents);
  DROP TABLE incidents;
  ALTER TABLE incidents_v2 RENAME TO incidents;
  CREATE UNIQUE INDEX incidents_one_open ON incidents (device, type) WHERE status = 'open';
  CREATE INDEX incidents_opened_at ON incidents (opened_at);
  CREATE INDEX incidents_event_start ON incidents (event_start);
  `,
  // 2 -> 3 (issue 21): what the actions configured in vpt.toml did for each incident: a run
  // (command, exit code, duration, the last lines of its output), a dry run, or a suppression by
  // the rate limit. incident_id is NULL for the monitor's own memory alert. Pruning an incident
  // takes its actions with it.
  `
  CREATE TABLE incident_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER REFERENCES incidents (id) ON DELETE CASCADE,
    device      TEXT    NOT NULL,
    trigger     TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    result      TEXT    NOT NULL CHECK (result IN ('ok', 'failed', 'timeout', 'error', 'dry_run', 'suppressed')),
    exit_code   INTEGER,
    duration_ms INTEGER,
    output      TEXT    NOT NULL DEFAULT '',
    started_at  TEXT    NOT NULL
  );
  CREATE INDEX incident_actions_incident ON incident_actions (incident_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database was written by a newer vpt: refusing beats corrupting it. */
export class SchemaTooNewError extends VptError {
  constructor(file: string, found: number) {
    super(`${file} has schema version ${found}, newer than this vpt supports (${SCHEMA_VERSION}); upgrade vpt or use another --state-dir`, EXIT.critical);
  }
}

/** Bring the database to SCHEMA_VERSION; returns the version it started from. */
export function migrate(db: Database, file: string): number {
  const start = db.pragma('user_version', { simple: true }) as number;
  if (start > SCHEMA_VERSION) throw new SchemaTooNewError(file, start);
  if (start === SCHEMA_VERSION) return start;
  // A table rebuild drops the table the outbox references: foreign keys off for
  // the migration (it cannot change inside a transaction), checked before each commit.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (let version = start; version < SCHEMA_VERSION; version++) {
      // IMMEDIATE: take the write lock first, so two starting monitors cannot both migrate.
      db.transaction(() => {
        const now = db.pragma('user_version', { simple: true }) as number;
        if (now !== version) return;
        db.exec(MIGRATIONS[version]!);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration to schema ${version + 1} would break ${broken.length} references`);
        db.pragma(`user_version = ${version + 1}`);
      }).immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return start;
}

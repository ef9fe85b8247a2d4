import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { SCHEMA_VERSION } from '../../src/core/incidents/schema.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** incidents.db as vpt 0.1 (schema 1) created it: its CREATE statements, verbatim. */
const SCHEMA_1 = `
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
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-migrate-')));
afterEach(async () => cleanup());

it('a schema-1 database gets event_start, the real duration as an integer, the stall types, and keeps its outbox', () => {
  const file = path.join(dir, 'incidents.db');
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  old.exec(SCHEMA_1);
  old.pragma('user_version = 1');
  const insert = old.prepare(
    `INSERT INTO incidents (device, type, status, opened_at, resolved_at, duration_ms, metadata, resolve_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // What vpt 0.1 wrote: opened_at = event start + 30 s delay, duration from opened_at, fractional ms from mtimes.
  insert.run(
    'capture1',
    'blackscreen',
    'resolved',
    '2026-11-30T10:00:30.000Z',
    '2026-11-30T10:00:40.250Z',
    10250.5,
    JSON.stringify({ event_start: '2026-11-30T10:00:00.000Z', incident_delay_ms: 30000 }),
    'cleared',
  );
  insert.run('capture2', 'freeze', 'open', '2026-11-30T11:00:00.000Z', null, null, '{}', null);
  insert.run('capture3', 'audio_loss', 'resolved', '2026-11-30T12:00:00.000Z', '2026-11-30T12:00:05.000Z', 5000, '{"other":1}', 'restart');
  old.prepare(`INSERT INTO outbox (incident_id, event, payload, next_attempt_at, created_at) VALUES (1, 'incident_resolved', '{}', 'x', 'x')`).run();
  old.close();

  const store = IncidentStore.open(file);
  try {
    const [a, b] = [store.get(1)!, store.get(2)!];
    expect(new Date(a.eventStartAt).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(a.durationMs).toBe(40_250); // the blackscreen's 40 s, not the incident's 10 s
    expect(new Date(b.eventStartAt).toISOString()).toBe('2026-11-30T11:00:00.000Z'); // no metadata: opened_at
    expect(store.get(3)!.durationMs).toBe(5000); // no event_start in metadata: opened_at too
    // New types are accepted, and new durations are whole ms from the event start.
    const stall = store.open('capture1', 'capture_stalled', Date.parse('2026-11-30T13:00:30Z'), [], {}, Date.parse('2026-11-30T13:00:00Z'));
    const resolved = store.resolve(stall.id, Date.parse('2026-11-30T13:00:45Z') + 0.7, 'cleared')!;
    expect(resolved.durationMs).toBe(45_001);
  } finally {
    store.close();
  }
  const db = new Database(file, { readonly: true });
  expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(db.prepare(`SELECT DISTINCT typeof(duration_ms) AS t FROM incidents WHERE duration_ms IS NOT NULL`).pluck().all()).toEqual(['integer']);
  expect(db.prepare('SELECT incident_id FROM outbox').pluck().all()).toEqual([1]);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'outbox'`).pluck().get()).toContain('REFERENCES incidents (id)');
  db.close();
});

it('a REAL duration cannot enter the new table', () => {
  const store = IncidentStore.openInDir(dir);
  store.close();
  const db = new Database(path.join(dir, 'incidents.db'));
  expect(() =>
    db.prepare(`INSERT INTO incidents (device, type, status, event_start, opened_at, duration_ms) VALUES ('c', 'freeze', 'resolved', 'x', 'x', 1.5)`).run(),
  ).toThrow(/CHECK constraint/);
  db.close();
});

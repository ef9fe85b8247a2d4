import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore, IncidentStoreLockedError } from '../../src/core/incidents/incident-store.js';
import { IncidentStoreCorruptError } from '../../src/core/incidents/store-errors.js';
import { SCHEMA_VERSION, SchemaTooNewError } from '../../src/core/incidents/schema.js';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';
import { writeFile } from 'node:fs/promises';

const HOLDER = path.join(REPO_ROOT, 'test/helpers/children/incident-holder.ts');
const T0 = Date.parse('2025-10-17T14:30:00.000Z');

let dir: string;
let cleanup: () => Promise<void>;
const stores: IncidentStore[] = [];
const readers: Database.Database[] = [];
function openStore(options = {}): IncidentStore {
  const store = IncidentStore.openInDir(dir, options);
  stores.push(store);
  return store;
}
function raw(): Database.Database {
  const db = new Database(path.join(dir, 'incidents.db'), { readonly: true });
  readers.push(db);
  return db;
}

beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-incidents-')));
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  for (const r of readers.splice(0)) r.close();
  await cleanup();
});

describe('IncidentStore', () => {
  it('creates a WAL database at the current schema version with both tables', () => {
    openStore();
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['incidents', 'outbox']));
  });

  it('opens and resolves an incident with duration, evidence merged and reason', () => {
    const store = openStore();
    const opened = store.open('capture1', 'freeze', T0, ['/s/capture1/captures/capture_000000009.jpg'], { fps: 5 });
    expect(opened).toMatchObject({ device: 'capture1', type: 'freeze', status: 'open', openedAt: T0, metadata: { fps: 5 } });
    expect(store.openIncidents().map((i) => i.id)).toEqual([opened.id]);

    const resolved = store.resolve(opened.id, T0 + 42_400, 'cleared', ['/s/capture1/captures/capture_000000221.jpg']);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: T0 + 42_400, durationMs: 42_400, resolveReason: 'cleared' });
    expect(resolved!.evidence).toEqual(['/s/capture1/captures/capture_000000009.jpg', '/s/capture1/captures/capture_000000221.jpg']);
    expect(store.openIncidents()).toEqual([]);
    // Resolving twice changes nothing.
    expect(store.resolve(opened.id, T0 + 99_000, 'cleared')).toBeUndefined();
    expect(store.get(opened.id)!.durationMs).toBe(42_400);

    const row = raw().prepare('SELECT opened_at, resolved_at, evidence FROM incidents WHERE id = ?').get(opened.id);
    expect(row).toMatchObject({ opened_at: '2025-10-17T14:30:00.000Z', resolved_at: '2025-10-17T14:30:42.400Z' });
  });

  it('keeps one open incident per device and type (a second open returns the first)', () => {
    const store = openStore();
    const a = store.open('capture1', 'freeze', T0, []);
    const b = store.open('capture1', 'freeze', T0 + 1000, ['/x']);
    expect(b.id).toBe(a.id);
    expect(b.openedAt).toBe(T0);
    const other = store.open('capture1', 'blackscreen', T0, []);
    const otherDevice = store.open('capture2', 'freeze', T0, []);
    expect(new Set([a.id, other.id, otherDevice.id]).size).toBe(3);
  });

  it('writes outbox rows in the same transaction only when the webhook is configured', () => {
    const plain = openStore();
    plain.resolve(plain.open('capture1', 'freeze', T0, []).id, T0 + 1, 'cleared');
    expect(raw().prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(0);
    plain.close();

    const hooked = openStore({ outbox: true, now: () => T0 + 5 });
    const inc = hooked.open('capture2', 'blackscreen', T0, ['/e1']);
    hooked.resolve(inc.id, T0 + 31_000, 'cleared');
    const rows = raw().prepare('SELECT incident_id, event, payload, attempts, next_attempt_at, sent_at FROM outbox ORDER BY id').all() as {
      incident_id: number;
      event: string;
      payload: string;
      attempts: number;
      next_attempt_at: string;
      sent_at: string | null;
    }[];
    expect(rows.map((r) => r.event)).toEqual(['incident_opened', 'incident_resolved']);
    expect(rows.every((r) => r.incident_id === inc.id && r.attempts === 0 && r.sent_at === null)).toBe(true);
    expect(rows[0]!.next_attempt_at).toBe(new Date(T0 + 5).toISOString());
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({ event: 'incident_resolved', incident: { id: inc.id, durationMs: 31_000, status: 'resolved' } });
  });

  it('resolves everything left open at start, and incidents of devices no longer monitored', () => {
    const first = openStore();
    first.open('capture1', 'freeze', T0, []);
    first.open('capture2', 'blackscreen', T0, []);
    first.open('capture3', 'audio_loss', T0, []);
    const removed = first.resolveForDevicesNotIn(['capture1', 'capture2'], 'device_removed', T0 + 10_000);
    expect(removed.map((i) => [i.device, i.resolveReason, i.durationMs])).toEqual([['capture3', 'device_removed', 10_000]]);
    first.close();

    const second = openStore();
    const restarted = second.resolveAllOpen('restart', T0 + 60_000);
    expect(restarted.map((i) => [i.device, i.resolveReason])).toEqual([
      ['capture1', 'restart'],
      ['capture2', 'restart'],
    ]);
    expect(second.openIncidents()).toEqual([]);
  });

  it('recovers after a kill -9 of the process that held an open incident', async () => {
    const { child, readyLine } = await startTsChild(HOLDER, [dir, 'open-incident']);
    const id = Number(readyLine.split(' ')[1]);
    child.kill('SIGKILL');
    await child;
    const store = openStore();
    expect(store.openIncidents().map((i) => i.id)).toEqual([id]);
    const [resolved] = store.resolveAllOpen('restart', T0 + 5_000);
    expect(resolved).toMatchObject({ id, status: 'resolved', resolveReason: 'restart', durationMs: 5_000 });
    expect(store.openIncidents()).toEqual([]);
  });

  it('gives a typed error naming the file when another process holds the lock past the busy timeout', async () => {
    const { child } = await startTsChild(HOLDER, [dir, 'hold-lock']);
    try {
      const store = openStore({ busyTimeoutMs: 200 });
      let error: unknown;
      try {
        store.open('capture1', 'freeze', T0, []);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IncidentStoreLockedError);
      expect((error as Error).message).toContain(path.join(dir, 'incidents.db'));
      expect((error as IncidentStoreLockedError).exitCode).toBe(2);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
    // Once the holder is gone the same store works.
    expect(stores[0]!.open('capture1', 'freeze', T0, []).status).toBe('open');
  });

  it('refuses a database from a newer vpt and a file that is not a database (as damaged, with what to do)', async () => {
    const db = new Database(path.join(dir, 'incidents.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore()).toThrow(SchemaTooNewError);

    const junk = path.join(dir, 'junk.db');
    await writeFile(junk, 'this is not sqlite, it is a text file long enough to have a header....................................');
    expect(() => IncidentStore.open(junk)).toThrow(IncidentStoreCorruptError);
    expect(() => IncidentStore.open(junk)).toThrow(`incident database ${junk} is damaged (file is not a database); start the monitor with --reset-incidents`);
  });
});

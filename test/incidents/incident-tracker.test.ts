import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_TYPES } from '../../src/core/events/types.js';
import { INCIDENTS_DB_FILE, IncidentStore } from '../../src/core/incidents/incident-store.js';
import { IncidentTracker, MAX_HELD_INCIDENTS, STORE_RETRY_MS, type IncidentRecord } from '../../src/core/incidents/incident-tracker.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const T0 = Date.parse('2025-10-17T14:30:00.000Z');
const FRAME_MS = 200; // 5 fps

let cleanup: () => Promise<void>;
let store: IncidentStore;
let records: IncidentRecord[];
let tracker: IncidentTracker;

beforeEach(async () => {
  const temp = await makeTempDir('vpt-tracker-');
  cleanup = temp.cleanup;
  store = IncidentStore.openInDir(temp.dir);
  records = [];
  tracker = new IncidentTracker({ store, incidentDelayMs: 30_000, onRecord: (r) => records.push(r) });
});
afterEach(async () => {
  store.close();
  await cleanup();
});

/** Feed one event frame by frame on a 5 fps frame clock, as the event tracker would. */
function runEvent(device: string, start: number, lengthMs: number, evidence: string[] = []): void {
  for (let t = start; t <= start + lengthMs; t += FRAME_MS) tracker.eventOngoing(device, 'freeze', start, t, evidence);
  tracker.eventEnded(device, 'freeze', start + lengthMs + FRAME_MS, ['/cold/last.jpg']);
}

describe('IncidentTracker', () => {
  it.each([
    ['just under the delay: no incident', 29_999, 0],
    ['exactly the delay: an incident', 30_000, 1],
    ['well over: one incident, not one per frame', 95_000, 1],
  ])('%s', (_name, lengthMs, expected) => {
    // Frame times not on the 200 ms grid would hide the boundary: feed the exact end time too.
    tracker.eventOngoing('capture1', 'freeze', T0, T0 + lengthMs);
    for (let t = T0; t <= T0 + lengthMs; t += FRAME_MS) tracker.eventOngoing('capture1', 'freeze', T0, t);
    tracker.eventEnded('capture1', 'freeze', T0 + lengthMs + FRAME_MS);
    expect(records.filter((r) => r.kind === 'incident_opened')).toHaveLength(expected);
    expect(records.filter((r) => r.kind === 'incident_resolved')).toHaveLength(expected);
    expect(store.openIncidents()).toEqual([]);
  });

  it('opens on the frame clock at start + delay and resolves with the event end, reason cleared', () => {
    runEvent('capture1', T0, 40_000, ['/cold/before.jpg', '/cold/first.jpg']);
    const [opened, resolved] = records;
    expect(opened).toMatchObject({ kind: 'incident_opened', incident: { device: 'capture1', type: 'freeze', eventStartAt: T0, openedAt: T0 + 30_000 } });
    expect(opened!.incident.metadata).toMatchObject({ event_start: new Date(T0).toISOString(), incident_delay_ms: 30_000 });
    expect(resolved).toMatchObject({ kind: 'incident_resolved', incident: { status: 'resolved', resolveReason: 'cleared', resolvedAt: T0 + 40_200 } });
    // The event's duration (issue 11): 40.2 s of freeze, not the 10.2 s since the incident opened.
    expect(resolved!.incident.durationMs).toBe(40_200);
    expect(resolved!.incident.evidence).toEqual(['/cold/before.jpg', '/cold/first.jpg', '/cold/last.jpg']);
    expect(tracker.size).toBe(0);
  });

  it('keeps devices and types apart', () => {
    tracker.eventOngoing('capture1', 'freeze', T0, T0 + 31_000);
    tracker.eventOngoing('capture1', 'blackscreen', T0, T0 + 31_000);
    tracker.eventOngoing('capture2', 'freeze', T0, T0 + 31_000);
    expect(tracker.size).toBe(3);
    expect(store.openIncidents()).toHaveLength(3);
    tracker.eventEnded('capture1', 'freeze', T0 + 32_000);
    expect(
      store
        .openIncidents()
        .map((i) => `${i.device}/${i.type}`)
        .sort(),
    ).toEqual(['capture1/blackscreen', 'capture2/freeze']);
  });

  it('resolves an incident whose event was replaced by a new one without an end', () => {
    tracker.eventOngoing('capture1', 'freeze', T0, T0 + 31_000);
    tracker.eventOngoing('capture1', 'freeze', T0 + 50_000, T0 + 50_200);
    expect(records.map((r) => r.kind)).toEqual(['incident_opened', 'incident_resolved']);
    expect(records[1]!.incident.resolvedAt).toBe(T0 + 50_000);
    expect(tracker.size).toBe(0);
  });

  it('an end without an incident is a no-op', () => {
    expect(tracker.eventEnded('capture1', 'freeze', T0)).toBeUndefined();
    expect(records).toEqual([]);
  });

  it('stays bounded by devices x types over 10,000 events, and empties as they end', () => {
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      const device = `capture${i % 4}`;
      const type = INCIDENT_TYPES[i % INCIDENT_TYPES.length]!;
      const start = T0 + i * 1_000;
      tracker.eventOngoing(device, type, start, start + 30_000);
      peak = Math.max(peak, tracker.size);
      if (i % 3 === 0) tracker.eventEnded(device, type, start + 31_000);
    }
    expect(peak).toBeLessThanOrEqual(4 * INCIDENT_TYPES.length);
    for (const { device, type } of tracker.openEntries()) tracker.eventEnded(device, type, T0 + 20_000_000);
    expect(tracker.size).toBe(0);
    expect(store.openIncidents()).toEqual([]);
  });
});

describe('IncidentTracker, database refusing writes (locked by another connection)', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let locked: IncidentStore;
  let other: Database.Database;
  let wall: number;
  let failures: number;
  let backs: { written: number; dropped: number }[];
  let drops: number;
  let held: IncidentTracker;
  let heldRecords: IncidentRecord[];

  beforeEach(async () => {
    dir = await makeTempDir('vpt-tracker-locked-');
    locked = IncidentStore.openInDir(dir.dir, { busyTimeoutMs: 10 });
    other = new Database(path.join(dir.dir, INCIDENTS_DB_FILE));
    wall = 1_000_000;
    failures = 0;
    backs = [];
    drops = 0;
    heldRecords = [];
    held = new IncidentTracker({
      store: locked,
      incidentDelayMs: 30_000,
      onRecord: (r) => heldRecords.push(r),
      onStoreFailing: () => failures++,
      onStoreBack: (summary) => backs.push(summary),
      onHeldDropped: () => drops++,
      now: () => wall,
    });
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    locked.close();
    await dir.cleanup();
  });

  it('holds an open while locked (reported once), tries again only after STORE_RETRY_MS, and writes it with its true time', () => {
    other.exec('BEGIN EXCLUSIVE');
    for (let t = T0 + 30_000; t < T0 + 35_000; t += FRAME_MS) expect(held.eventOngoing('capture1', 'freeze', T0, t)).toBeUndefined();
    expect(failures).toBe(1);
    other.exec('COMMIT');
    // Free now, but the retry time has not come: no write yet.
    held.eventOngoing('capture1', 'freeze', T0, T0 + 35_200);
    expect(heldRecords).toEqual([]);
    wall += STORE_RETRY_MS;
    held.eventOngoing('capture1', 'freeze', T0, T0 + 35_400);
    expect(heldRecords.map((r) => r.kind)).toEqual(['incident_opened']);
    expect(heldRecords[0]!.incident).toMatchObject({ device: 'capture1', type: 'freeze', openedAt: T0 + 30_000 });
    expect(backs).toEqual([{ written: 1, dropped: 0 }]);
  });

  it('every incident of a long outage is written in order with its own times once free: none merged, none reopened', () => {
    for (const device of ['capture1', 'capture2']) for (const type of INCIDENT_TYPES) held.eventOngoing(device, type, T0, T0 + 30_000);
    expect(held.size).toBe(2 * INCIDENT_TYPES.length);
    other.exec('BEGIN EXCLUSIVE');
    // 50 rounds of events ending and new ones becoming incidents while locked.
    for (let round = 0; round < 50; round++) {
      for (const device of ['capture1', 'capture2']) {
        for (const type of INCIDENT_TYPES) {
          const start = T0 + 100_000 * (round + 1);
          held.eventEnded(device, type, start - 1);
          held.eventOngoing(device, type, start, start + 30_000);
        }
      }
      wall += STORE_RETRY_MS;
    }
    expect(failures).toBe(1);
    expect(held.pendingCount).toBe(2 * INCIDENT_TYPES.length * 2 * 50);
    other.exec('COMMIT');
    wall += STORE_RETRY_MS;
    held.retryPending();
    expect(held.pendingCount).toBe(0);
    expect(backs).toEqual([{ written: 2 * INCIDENT_TYPES.length * 2 * 50, dropped: 0 }]);
    const all = other.prepare('SELECT device, type, status, opened_at, resolved_at FROM incidents ORDER BY id').all() as Record<string, string>[];
    expect(all).toHaveLength(2 * INCIDENT_TYPES.length * 51);
    for (const device of ['capture1', 'capture2']) {
      for (const type of INCIDENT_TYPES) {
        const rows = all.filter((r) => r.device === device && r.type === type);
        expect(rows.map((r) => Date.parse(r.opened_at!))).toEqual(Array.from({ length: 51 }, (_, i) => T0 + 100_000 * i + 30_000));
        expect(rows.slice(0, 50).map((r) => Date.parse(r.resolved_at!))).toEqual(Array.from({ length: 50 }, (_, i) => T0 + 100_000 * (i + 1) - 1));
        expect(rows.map((r) => r.status)).toEqual([...new Array<string>(50).fill('resolved'), 'open']);
      }
    }
  });

  it(`past MAX_HELD_INCIDENTS (${MAX_HELD_INCIDENTS}) ended incidents held, the oldest are dropped (said once), ongoing ones and the newest kept`, () => {
    other.exec('BEGIN EXCLUSIVE');
    const extra = 250;
    for (let n = 0; n < MAX_HELD_INCIDENTS + extra; n++) {
      const start = T0 + 100_000 * n;
      held.eventOngoing('capture1', 'freeze', start, start + 30_000);
      held.eventEnded('capture1', 'freeze', start + 40_000);
    }
    held.eventOngoing('capture2', 'blackscreen', T0, T0 + 30_000);
    expect(drops).toBe(1);
    expect(held.pendingCount).toBe(2 * MAX_HELD_INCIDENTS + 1);
    other.exec('COMMIT');
    wall += STORE_RETRY_MS;
    held.retryPending();
    expect(backs).toEqual([{ written: 2 * MAX_HELD_INCIDENTS + 1, dropped: extra }]);
    const opened = (other.prepare(`SELECT opened_at FROM incidents WHERE device = 'capture1' ORDER BY id`).all() as { opened_at: string }[]).map((r) =>
      Date.parse(r.opened_at),
    );
    expect(opened).toHaveLength(MAX_HELD_INCIDENTS);
    expect(opened[0]).toBe(T0 + 100_000 * extra + 30_000);
    expect(locked.openIncidents()).toMatchObject([{ device: 'capture2', type: 'blackscreen', openedAt: T0 + 30_000 }]);
  });
});

import Database from 'better-sqlite3';
import { execa } from 'execa';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_RETRY_MS } from '../../src/core/incidents/incident-tracker.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { FaultRig, makeGoodFrames, type GoodFrames } from './fault-rig.js';

/**
 * Issue 16, items 4 and 5, on the real `vpt monitor` binary: the state dir
 * (incidents.db) and cold storage (evidence) each on a small tmpfs this test
 * mounts and fills. The monitor must keep every incident right, with its true
 * times, and say each state change in one line.
 */
const isRoot = process.getuid?.() === 0;
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
const rigs: FaultRig[] = [];
const mounts: string[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('vpt-hostile-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);
afterAll(async () => cleanupGood?.());
afterEach(async () => {
  for (const rig of rigs) await rig.kill();
  for (const dir of mounts.splice(0)) await execa('umount', [dir], { reject: false });
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

async function mountTmpfs(dir: string, size: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'vpt-hostile', dir]);
  mounts.push(dir);
}

/** Fill the filesystem of `dir`: the write stops at ENOSPC with the disk full. */
async function fill(dir: string): Promise<string> {
  const filler = path.join(dir, 'filler.bin');
  await expect(writeFile(filler, Buffer.alloc(4 * 1024 * 1024))).rejects.toMatchObject({ code: 'ENOSPC' });
  return filler;
}

/** `count` frames of one still picture from `from` on (a freeze on the frame clock); returns the next sequence. */
async function hold(rig: FaultRig, from: number, count: number, picture: number): Promise<number> {
  for (let s = from; s < from + count; s++) await rig.write(s, good.captures[picture]!, good.thumbnails[picture]!);
  await rig.waitForFrame(from + count - 1);
  return from + count;
}

async function moving(rig: FaultRig, from: number, count: number): Promise<number> {
  for (const s of await rig.writeGood(from, count)) await rig.waitForFrame(s);
  return from + count;
}

const FLAGS = ['--min-event', '1s', '--incident-delay', '2s'];
const DELAY_MS = 2_000;

describe.skipIf(!isRoot)('vpt monitor, live: state dir full (incidents.db on a full tmpfs)', () => {
  it('incidents open, resolve and open again while full are held in order and written with their true times once space returns', async () => {
    const rig = await FaultRig.create('vpt-hostile-full-', good);
    rigs.push(rig);
    await mountTmpfs(rig.stateDir, '1m');
    await rig.start(FLAGS);
    let next = await moving(rig, 1, 5);
    next = await hold(rig, next, 25, 6);
    const first = await rig.monitor.waitForEvent((e) => e.event === 'incident_opened', 'the first incident');

    const filler = await fill(rig.stateDir);
    // Event 1 ends while full; events 2 (opens and ends) and 3 (opens, still on) happen while full.
    next = await moving(rig, next, 6);
    next = await hold(rig, next, 25, 12);
    next = await moving(rig, next, 6);
    next = await hold(rig, next, 25, 17);
    const ended = () => rig.monitor.events.filter((e) => e.event === 'event_ended' && e.type === 'freeze');
    expect(ended()).toHaveLength(2);
    expect(rig.monitor.events.filter((e) => e.event === 'incident_opened' || e.event === 'incident_resolved')).toEqual([first]);
    const lines = () => rig.monitor.stderr.filter((l) => l.includes('incident database') || /frame \d+:/.test(l));
    expect(lines()).toEqual([
      expect.stringMatching(
        /^warning: cannot write incident database .*incidents\.db: the disk is full \(SQLITE_FULL\); incident changes are held \(up to 1000 ended incidents\) and retried every 5 s$/,
      ),
    ]);
    rig.expectAlive();

    await rm(filler);
    await new Promise((r) => setTimeout(r, STORE_RETRY_MS));
    next = await hold(rig, next, 5, 17); // event 3 goes on: the next frame writes what was held
    await rig.monitor.waitForEvent(
      (e) => e.event === 'incident_opened' && e.incident_id !== first.incident_id && (e.ts as string) > (first.ts as string),
      'held incidents written',
      10_000,
    );
    await moving(rig, next, 6);
    expect(ended()).toHaveLength(3);
    await rig.monitor.waitForEvent((e) => e.event === 'incident_resolved' && e.ts === ended()[2]!.ts, 'incident 3 resolved');
    expect(lines()).toEqual([lines()[0], 'incident database writable again: 4 held incident changes written']);
    const { exitCode } = await rig.stop();
    expect(exitCode).toBe(0);

    const db = new Database(path.join(rig.stateDir, 'incidents.db'), { readonly: true });
    const rows = db.prepare(`SELECT type, status, opened_at, resolved_at FROM incidents ORDER BY id`).all() as Record<string, string>[];
    db.close();
    // One incident per event: opened when it had lasted the delay, resolved when it ended (frame clock), none merged.
    expect(rows).toEqual(
      ended().map((e) => ({
        type: 'freeze',
        status: 'resolved',
        opened_at: new Date(Date.parse(e.start as string) + DELAY_MS).toISOString(),
        resolved_at: new Date(Date.parse(e.ts as string)).toISOString(),
      })),
    );
    rig.expectNoStackTrace();
  }, 120_000);
});

describe.skipIf(!isRoot)('vpt monitor, live: state dir full at shutdown', () => {
  it('changes held when SIGTERM comes are tried once more before exit: written if space is back, else said in one line', async () => {
    for (const spaceBack of [true, false]) {
      const rig = await FaultRig.create('vpt-hostile-stopfull-', good);
      rigs.push(rig);
      await mountTmpfs(rig.stateDir, '1m');
      await rig.start(FLAGS);
      let next = await moving(rig, 1, 5);
      const filler = await fill(rig.stateDir);
      next = await hold(rig, next, 25, 6);
      await moving(rig, next, 6);
      expect(rig.monitor.events.filter((e) => e.event === 'incident_opened')).toEqual([]);
      if (spaceBack) await rm(filler);
      // Well inside the 5 s retry time: only the shutdown's last try can write them.
      const { exitCode } = await rig.stop();
      expect(exitCode).toBe(0);
      const db = new Database(path.join(rig.stateDir, 'incidents.db'), { readonly: true });
      const rows = db.prepare('SELECT status FROM incidents').all();
      db.close();
      if (spaceBack) {
        expect(rows).toEqual([{ status: 'resolved' }]);
        expect(rig.monitor.stderr).toContain('incident database writable again: 2 held incident changes written');
      } else {
        expect(rows).toEqual([]);
        expect(rig.monitor.stderr).toContain(
          'warning: 2 incident changes could not be written before stopping; the next start resolves what the database still has open',
        );
      }
    }
  }, 120_000);
});

describe.skipIf(!isRoot)('vpt monitor, live: cold storage full (RAM mode, evidence copies fail)', () => {
  it('the event ends and its incident resolves on time; the failing copies are one line, their recovery another', async () => {
    const rig = await FaultRig.create('vpt-hostile-cold-', good, { hot: true });
    rigs.push(rig);
    const cold = [path.join(rig.deviceDir, 'captures'), path.join(rig.deviceDir, 'thumbnails')];
    for (const dir of cold) await mountTmpfs(dir, '256k');
    const fillers = [await fill(cold[0]!), await fill(cold[1]!)];
    await rig.start(FLAGS);
    let next = await moving(rig, 1, 5);
    next = await hold(rig, next, 25, 6);
    const opened = await rig.monitor.waitForEvent((e) => e.event === 'incident_opened', 'the incident');
    expect(opened.evidence).toEqual([]);
    next = await moving(rig, next, 6);
    const ended = await rig.monitor.waitForEvent((e) => e.event === 'event_ended', 'the event end');
    // Resolved at the event's end, by the frame that ended it: not at the next event.
    const resolved = await rig.monitor.waitForEvent((e) => e.event === 'incident_resolved', 'the resolution', 5_000);
    expect(resolved).toMatchObject({ incident_id: opened.incident_id, ts: ended.ts, resolve_reason: 'cleared' });
    const copyLines = () => rig.monitor.stderr.filter((l) => l.includes('evidence') || /frame \d+:/.test(l));
    expect(copyLines()).toEqual([
      expect.stringMatching(
        /^warning: cannot copy evidence to .*capture_\d{9}\.jpg: no space left on device \(ENOSPC\); events and incidents go on without it \(reported once until copies succeed\)$/,
      ),
    ]);

    for (const f of fillers) await rm(f);
    await hold(rig, next, 25, 12);
    const second = await rig.monitor.waitForEvent((e) => e.event === 'incident_opened' && e.incident_id !== opened.incident_id, 'the second incident');
    expect((second.evidence as string[]).length).toBeGreaterThan(0);
    expect(copyLines()).toEqual([copyLines()[0], expect.stringMatching(/^evidence copies succeed again \(\d+ failed while ENOSPC\)$/)]);
    rig.expectAlive();
    rig.expectNoStackTrace();
    const { exitCode } = await rig.stop();
    expect(exitCode).toBe(0);
  }, 120_000);
});

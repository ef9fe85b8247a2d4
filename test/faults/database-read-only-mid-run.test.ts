import { execa } from 'execa';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_RETRY_MS } from '../../src/core/incidents/incident-tracker.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { FaultRig, makeGoodFrames, type GoodFrames } from './fault-rig.js';

/**
 * Issue 27 item 10: incidents.db made read-only (chattr +i) while the
 * monitor runs. In WAL mode every commit only appends to `-wal`, so the
 * incident looked written and the trouble showed at the next checkpoint,
 * perhaps hours later. Now the next incident change is held and said at
 * once, like a full disk, and written when the file is writable again.
 */
const isRoot = process.getuid?.() === 0;
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
const rigs: FaultRig[] = [];
const immutable: string[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('vpt-readonly-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);
afterAll(async () => cleanupGood?.());
afterEach(async () => {
  for (const file of immutable.splice(0)) await execa('chattr', ['-i', file], { reject: false });
  for (const rig of rigs) await rig.kill();
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

describe.skipIf(!isRoot)('vpt monitor, live: incidents.db made read-only mid-run (WAL mode)', () => {
  it('the next incident change is held and said at once; written when the file is writable again', async () => {
    const rig = await FaultRig.create('vpt-readonly-', good);
    rigs.push(rig);
    await rig.start(['--min-event', '1s', '--incident-delay', '2s']);
    let next = 1;
    for (const s of await rig.writeGood(next, 5)) await rig.waitForFrame(s);
    next += 5;
    const db = path.join(rig.stateDir, 'incidents.db');
    await execa('chattr', ['+i', db]);
    immutable.push(db);

    // A freeze long enough to open an incident (25 frames of one picture, 5 s on the frame clock).
    for (let s = next; s < next + 25; s++) await rig.write(s, good.captures[6]!, good.thumbnails[6]!);
    next += 25;
    await rig.waitForFrame(next - 1);
    const said = await rig.monitor.waitForStderr(/incident database/, 10_000);
    expect(said).toMatch(
      /^warning: cannot write incident database .*incidents\.db: the database is read-only \(SQLITE_READONLY\); incident changes are held \(up to 1000 ended incidents\) and retried every 5 s$/,
    );
    expect(rig.monitor.events.filter((e) => e.event === 'incident_opened')).toEqual([]);

    await execa('chattr', ['-i', db]);
    immutable.splice(0);
    await new Promise((r) => setTimeout(r, STORE_RETRY_MS));
    for (let s = next; s < next + 5; s++) await rig.write(s, good.captures[6]!, good.thumbnails[6]!);
    next += 5;
    await rig.monitor.waitForEvent((e) => e.event === 'incident_opened', 'the held incident written', 15_000);
    expect(rig.monitor.stderr.filter((l) => l.includes('incident database'))).toEqual([
      said,
      'incident database writable again: 1 held incident changes written',
    ]);
    const { exitCode } = await rig.stop();
    expect(exitCode).toBe(0);
  }, 120_000);
});

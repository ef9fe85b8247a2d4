import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { FaultRig, makeGoodFrames, type GoodFrames } from './fault-rig.js';

/**
 * Issue 16, items 6 and 7, on the real binary: an incidents.db the monitor
 * may not write (chattr +i), and a damaged one. Both are found at start:
 * one line naming the file and what to do, exit 2, nothing left behind;
 * `--reset-incidents` moves the damaged file aside (never deleted).
 */
const isRoot = process.getuid?.() === 0;
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
const rigs: FaultRig[] = [];
const immutable: string[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('vpt-hostile-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'), 2);
}, 120_000);
afterAll(async () => cleanupGood?.());
afterEach(async () => {
  for (const file of immutable.splice(0)) await execa('chattr', ['-i', file], { reject: false });
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

async function newRig(): Promise<FaultRig> {
  const rig = await FaultRig.create('vpt-hostile-db-', good);
  rigs.push(rig);
  return rig;
}

/** A database with a few resolved incidents, as an earlier run leaves it. */
function seedDatabase(stateDir: string): string {
  const store = IncidentStore.openInDir(stateDir);
  for (let i = 0; i < 40; i++) {
    const incident = store.open('capture1', 'freeze', Date.parse('2025-10-17T14:30:00Z') + i * 60_000, [`/cold/${'x'.repeat(200)}-${i}.jpg`]);
    store.resolve(incident.id, incident.openedAt + 10_000, 'cleared');
  }
  store.close();
  return path.join(stateDir, 'incidents.db');
}

const startOnce = (rig: FaultRig, extra: string[] = []) =>
  runVpt(['monitor', '--stream-root', rig.stream, '--state-dir', rig.stateDir, '--devices', rig.device, '--no-audio', '-q', ...extra], {
    env: { TMPDIR: rig.tmpDir },
    timeoutMs: 20_000,
  });

describe('vpt monitor: the incident database refused at start', () => {
  it.skipIf(!isRoot)(
    'read-only file (chattr +i): exit 2, one line saying so and what to do, lock and temp folder released',
    async () => {
      const rig = await newRig();
      const db = seedDatabase(rig.stateDir);
      await execa('chattr', ['+i', db]);
      immutable.push(db);
      const run = await startOnce(rig);
      expect(run.stderr.trim().split('\n')).toEqual([
        `vpt: incident database ${db} is read-only (file permissions or chattr +i); make it writable (chattr -i, chmod u+w) or choose another --state-dir`,
      ]);
      expect(run.exitCode).toBe(2);
      expect(await readdir(rig.stateDir)).not.toContain('monitor.lock');
      expect(await readdir(rig.tmpDir)).toEqual([]);
    },
    60_000,
  );

  it('damaged file (database disk image is malformed): exit 2 naming it and --reset-incidents; with it, the file is kept aside and a new database starts', async () => {
    const rig = await newRig();
    const db = seedDatabase(rig.stateDir);
    // Garbage over the pages after the schema page: the incidents table's b-tree.
    const handle = await open(db, 'r+');
    await handle.write(Buffer.alloc(8192, 0xa5), 0, 8192, 4096);
    await handle.close();
    const damaged = createHash('sha256')
      .update(await readFile(db))
      .digest('hex');

    const run = await startOnce(rig);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^vpt: incident database ${db} is damaged \\(.+\\); start the monitor with --reset-incidents to move it aside \\(kept as incidents\\.db\\.aside-<time>\\) and begin a new one$`,
        ),
      ),
    ]);
    expect(run.exitCode).toBe(2);
    expect(await readdir(rig.stateDir)).not.toContain('monitor.lock');

    await rig.start(['--reset-incidents']);
    const line = await rig.monitor.waitForStderr(/--reset-incidents/);
    const aside = /kept as (\S+); starting a new one$/.exec(line)?.[1];
    expect(line).toMatch(new RegExp(`^warning: --reset-incidents: the old incident database is kept as ${db}\\.aside-\\d{8}T\\d{6}; starting a new one$`));
    expect(
      createHash('sha256')
        .update(await readFile(aside!))
        .digest('hex'),
    ).toBe(damaged);
    await rig.expectAnalysed(await rig.writeGood(1, 3));
    const { exitCode } = await rig.stop();
    expect(exitCode).toBe(0);
    // The new database is whole; the next start needs no flag.
    const again = IncidentStore.openInDir(rig.stateDir);
    expect(again.openIncidents()).toEqual([]);
    again.close();
  }, 60_000);
});

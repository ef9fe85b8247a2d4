import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { InstanceLockedError } from '../../src/core/lifecycle/instance-lock.js';
import { openMonitorResources } from '../../src/core/live/monitor-resources.js';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';

const HOLDER = path.join(REPO_ROOT, 'test/helpers/children/vpt-lock-holder.ts');
const T0 = Date.parse('2025-10-17T14:30:00.000Z');

let root: string;
let cleanup: () => Promise<void>;
let stateDir: string;
let tmpRoot: string;
let streamRoot: string;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-resources-'));
  stateDir = path.join(root, 'state');
  tmpRoot = path.join(root, 'tmp');
  streamRoot = path.join(root, 'stream');
  for (const d of [stateDir, tmpRoot, streamRoot]) await mkdir(d);
});
afterEach(async () => cleanup());

describe('openMonitorResources', () => {
  it('cleans up after a previous run: open incidents, dead temp folders, stale zap markers; close() undoes it all', async () => {
    const previous = IncidentStore.openInDir(stateDir);
    previous.open('capture1', 'freeze', T0, []);
    previous.open('capture9', 'blackscreen', T0, []);
    previous.close();
    await mkdir(path.join(tmpRoot, 'vpt-999999999'));
    const metadata = path.join(streamRoot, 'capture1', 'hot', 'metadata');
    await mkdir(path.join(streamRoot, 'capture1', 'hot', 'captures'), { recursive: true });
    await mkdir(metadata, { recursive: true });
    await writeFile(path.join(metadata, 'last_zapping.json'), '{"status":"in_progress"}');
    const old = (T0 - 3_600_000) / 1000;
    await utimes(path.join(metadata, 'last_zapping.json'), old, old);

    const resources = await openMonitorResources({ stateDir, streamRoot, devices: ['capture1', 'capture2'], tmpRoot, now: () => T0 + 60_000 });
    expect(resources.resolvedAtStart.map((i) => [i.device, i.resolveReason, i.durationMs])).toEqual([
      ['capture9', 'device_removed', 60_000],
      ['capture1', 'restart', 60_000],
    ]);
    expect(resources.store.openIncidents()).toEqual([]);
    expect(resources.removedTempDirs).toEqual([path.join(tmpRoot, 'vpt-999999999')]);
    expect(resources.removedZapMarkers).toEqual([path.join(metadata, 'last_zapping.json')]);
    // A dead process's folder (from a version that made one) was removed; none is made now.
    expect(await readdir(tmpRoot)).toEqual([]);
    expect((await readdir(stateDir)).sort()).toEqual(expect.arrayContaining(['incidents.db', 'monitor.lock']));

    resources.close();
    resources.close();
    expect(await readdir(tmpRoot)).toEqual([]);
    expect(await readdir(stateDir)).not.toContain('monitor.lock');
  });

  it('refuses while another monitor holds the state dir, touching nothing', async () => {
    const { child, readyLine } = await startTsChild(HOLDER, [stateDir]);
    try {
      const pid = Number(readyLine.split(' ')[1]);
      const error = await openMonitorResources({ stateDir, streamRoot, devices: ['capture1'], tmpRoot }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceLockedError);
      expect((error as Error).message).toContain(`(pid ${pid})`);
      expect(await readdir(tmpRoot)).toEqual([]);
      expect(await readdir(stateDir)).toEqual(['monitor.lock']);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });
});

import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { StatusWriter } from '../../src/core/status/status-writer.js';
import type { OpenEventStatus, StatusSnapshot } from '../../src/core/status/status-snapshot.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * `vpt status` exit codes (Nagios) on snapshots written by the monitor's own
 * writer: the live cases (a real monitor with a stalled device, then
 * stopped) are in test/live/monitor-stall.e2e.test.ts and below.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-status-cli-')));
afterEach(async () => cleanup());

async function writeSnapshot(options: { ageMs?: number; pid?: number; events?: OpenEventStatus[]; behind?: boolean } = {}): Promise<void> {
  const now = Date.now() - (options.ageMs ?? 0);
  const status = new MonitorStatus({ devices: ['capture1'], startedMs: now - 60_000, stallAfterMs: 10_000 });
  status.device('capture1').frameReceived(10, now - 200);
  const snapshot = (): StatusSnapshot => {
    const s = status.snapshot(now, () => ({
      dropped: 0,
      watcher: { seen: 1, superseded: 0 },
      queued: options.behind ? 80 : 0,
      behind: options.behind ?? false,
      audioChecked: true,
      openEvents: options.events ?? [],
    }));
    return { ...s, pid: options.pid ?? process.pid };
  };
  await new StatusWriter({ stateDir: dir, snapshot }).write();
}

const status = (...extra: string[]) => runVpt(['status', '--state-dir', dir, ...extra]);

describe('vpt status exit codes', () => {
  it('3: no snapshot', async () => {
    const r = await status();
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^VPT UNKNOWN - no status snapshot/);
  });

  it('0: a running monitor, fresh snapshot, nothing open', async () => {
    await writeSnapshot();
    const r = await status();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^VPT OK - monitor running, no open incidents\nmonitor pid \d+ on /);
    expect(r.stdout).toMatch(/^capture1 +10 +\S+ +[\d.]+ +0 +0 +0 +ok$/m);
    const q = await status('-q');
    expect([q.exitCode, q.stdout]).toEqual([0, '']);
  });

  it('1: an open incident, or a device behind', async () => {
    await writeSnapshot();
    const store = IncidentStore.openInDir(dir);
    store.open('capture1', 'freeze', Date.now() - 1_000, [], {}, Date.now() - 31_000);
    store.close();
    const r = await status();
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^VPT WARNING - incident #1 open: capture1 freeze since /);
    await cleanup();
    ({ dir, cleanup } = await makeTempDir('vpt-status-cli-'));
    await writeSnapshot({ behind: true });
    expect((await status()).exitCode).toBe(1);
  });

  it('2: a stalled device', async () => {
    await writeSnapshot({ events: [{ type: 'capture_stalled', started_at: new Date().toISOString(), incident_id: null }] });
    const r = await status('--json');
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'critical', code: 2, problems: [expect.stringMatching(/^capture1: capture stalled/)] });
  });

  it('2: a snapshot older than 30 s (hung monitor)', async () => {
    await writeSnapshot({ ageMs: 45_000 });
    const r = await status();
    expect(r.exitCode).toBe(2);
    const age = Number(/^VPT CRITICAL - monitor hung: its snapshot is (\d+) s old/.exec(r.stdout)?.[1]);
    expect(age).toBeGreaterThanOrEqual(45);
    expect(age).toBeLessThan(75);
  });

  it('2: the monitor is gone (its pid no longer exists)', async () => {
    const child = execa('true');
    const pid = child.pid!;
    await child;
    await writeSnapshot({ pid });
    const r = await status();
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`^VPT CRITICAL - monitor not running: pid ${pid} is gone`));
  });

  it('never loads sharp (better-sqlite3, read-only, is allowed)', async () => {
    await writeSnapshot();
    const log = path.join(dir, 'modules.log');
    const preload = path.join(dir, 'list-modules.mjs');
    // Both heavy modules are CommonJS: whether imported or required, they land in the CJS cache.
    await writeFile(
      preload,
      `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n')));
`,
    );
    const modules = async () => {
      const r = await runVpt(['status', '--state-dir', dir], { env: { NODE_OPTIONS: `--import ${preload}` } });
      expect(r.exitCode).toBe(0);
      return readFileSync(log, 'utf8');
    };
    IncidentStore.openInDir(dir).close();
    const loaded = await modules();
    expect(loaded).toMatch(/node_modules\/better-sqlite3\//); // the probe sees CJS modules at all
    expect(loaded).not.toMatch(/node_modules\/sharp\//);
  });
});

import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/investigate/report-types.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { noise, writeFakeProc, writeHealthLog, type FixtureProcess } from './health-fixture.mjs';

/**
 * Tier 3 for issue 24: `bin/vpt investigate` over a fake /proc (--proc-root) and two hours of
 * health logs that end now. A leak in a running process is called with its ETA; the same leak in
 * a process that has ended, and a process too young, are not judged; the flags move the rules.
 */

const MIN = 60_000;
const NOW = Date.now();
const BOOT = NOW - 10 * 60 * MIN;
const flat = noise(3, 5);
const leak = (t: number) => 100 + (400 * (t - (NOW - 120 * MIN))) / (60 * MIN);

const PROCESSES: FixtureProcess[] = [
  { name: 'capture_monitor.py', pid: 1234, startMs: NOW - 4 * 60 * MIN, mbAt: () => 450 + flat() },
  { name: 'vpt monitor', pid: 2345, startMs: NOW - 125 * MIN, mbAt: leak },
  { name: 'hot_cold_archiver', pid: 4000, startMs: NOW - 4 * 60 * MIN, mbAt: (t) => (t <= NOW - 5 * MIN ? leak(t) : undefined) },
  { name: 'transcript_accumulator', pid: 5000, startMs: NOW - 15 * MIN, mbAt: () => 50 },
];

let temp: { dir: string; cleanup: () => Promise<void> };
const dirs = { proc: '', log: '', stream: '', tmp: '' };
beforeAll(async () => {
  temp = await makeTempDir('vpt-trend-e2e-');
  for (const key of Object.keys(dirs) as (keyof typeof dirs)[]) dirs[key] = path.join(temp.dir, key);
  for (const d of [dirs.stream, dirs.tmp]) await mkdir(d, { recursive: true });
  await writeFakeProc(
    dirs.proc,
    [
      { pid: 1234, argv: ['python3', '/opt/farm/capture_monitor.py'], startMs: PROCESSES[0]!.startMs, rssMB: 450 },
      { pid: 2345, argv: ['node', '/usr/local/bin/vpt', 'monitor'], startMs: PROCESSES[1]!.startMs, rssMB: 900 },
      { pid: 5000, argv: ['python3', '/opt/farm/transcript_accumulator.py'], startMs: PROCESSES[3]!.startMs, rssMB: 50 },
    ],
    BOOT,
  );
  await writeHealthLog(dirs.log, PROCESSES, { fromMs: NOW - 120 * MIN, toMs: NOW - 10_000, everyMs: 30_000, bootMs: BOOT });
});
afterAll(async () => temp.cleanup());

const investigate = (extra: string[] = []) =>
  runVpt(['investigate', '--proc-root', dirs.proc, '--log-dir', dirs.log, '--stream-root', dirs.stream, ...extra], { env: { TMPDIR: dirs.tmp } });

describe('vpt investigate: memory trends over a fake /proc and fixture health logs', () => {
  it('calls the running leak with its ETA and judges nothing it should not', async () => {
    const run = await investigate(['--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Report;
    const state = Object.fromEntries(report.trends.map((t) => [t.label, t.state]));
    expect(state).toEqual({
      'vpt monitor (pid 2345)': 'leak',
      'capture_monitor.py (pid 1234)': 'steady',
      'transcript_accumulator (pid 5000)': 'not enough history',
      'hot_cold_archiver (pid 4000)': 'ended',
    });
    // The tracked processes come from the fake /proc too.
    expect(report.sections.find((s) => s.id === 'tracked')!.checks.map((c) => c.label)).toEqual(
      expect.arrayContaining(['capture_monitor.py (pid 1234)', 'vpt monitor (pid 2345)']),
    );
    expect(report.diagnosis.find((c) => c.cause === 'leak trend')!.evidence).toEqual([
      expect.stringMatching(/^vpt monitor \(pid 2345\) grows 4\d\d\.\d MB\/hour/),
    ]);
    expect(run.exitCode).toBe(2);

    const text = await readFile((report as unknown as { saved_to: string }).saved_to, 'utf8');
    expect(text).toMatch(/\[CRITICAL\] +vpt monitor \(pid 2345\) +\+4\d\d\.\d MB\/hour \(95% bounds .*LEAK: alert in \d+\.\dm, RAM in \d+\.\dh\n/);
    expect(text).toMatch(
      /\[unavailable\] +transcript_accumulator \(pid 5000\) +not enough history yet \(\d+ samples over [0-5] min; 20 over 30min needed, after 10min of warm-up\)\n/,
    );
    expect(text).toContain('not judged, no longer running: hot_cold_archiver (pid 4000)');
    expect(text).not.toMatch(/hot_cold_archiver.*MB\/hour/);
  });

  it('--trend-min-span and --trend-warmup move the rules; --health refuses them', async () => {
    const run = await investigate(['--json', '--trend-min-span', '2h']);
    const report = JSON.parse(run.stdout) as Report;
    // 115 minutes after its warm-up: under 2 hours.
    expect(report.trends.find((t) => t.label === 'vpt monitor (pid 2345)')).toMatchObject({ state: 'not enough history', leak: false });
    expect(report.diagnosis.map((c) => c.cause)).not.toContain('leak trend');
    const young = JSON.parse((await investigate(['--json', '--trend-warmup', '0', '--trend-min-span', '10min'])).stdout) as Report;
    expect(young.trends.find((t) => t.label === 'transcript_accumulator (pid 5000)')!.state).toBe('steady');
    const refused = await runVpt(['investigate', '--health', '--trend-warmup', '0', '--log-dir', dirs.log]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe('vpt: --trend-warmup only applies to the report (without --health or --install)');
    const tooLong = await investigate(['--trend-min-span', '3h']);
    expect(tooLong.exitCode).toBe(2);
    expect(tooLong.stderr.trim()).toMatch(/^vpt: --trend-min-span plus --trend-warmup must fit in the 3 h of samples/);
  });
});

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingProgramError } from '../../src/core/errors.js';
import { buildReport } from '../../src/core/investigate/report.js';
import type { Report } from '../../src/core/investigate/report-types.js';
import { DEFAULT_TREND_RULES } from '../../src/core/investigate/trend-rules.js';
import { createProbeContext } from '../../src/core/probes/index.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { noise, sawtooth, writeFakeProc, writeHealthLog, type FixtureProcess } from './health-fixture.mjs';

/**
 * Issue 24: the trend rules on two hours of health logs, read by the real report at a fixed
 * clock, with a /proc tree saying which processes still run. No sleeping: the samples are
 * written with their times, the clock is `now`.
 */

const BOOT = Date.parse('2025-10-17T06:00:00Z');
const NOW = Date.parse('2025-10-17T16:00:00Z');
const MIN = 60_000;
const flat = noise(3, 7);
const jitter = noise(2, 11);
const leakNoise = noise(5, 13);

const PROCESSES: FixtureProcess[] = [
  // Flat with ±3 MB of noise: not a leak.
  { name: 'capture_monitor.py', pid: 1234, startMs: NOW - 4 * 60 * MIN, mbAt: () => 450 + flat() },
  // A real leak: 400 MB/hour for two hours, from 100 MB, with ±5 MB of noise.
  { name: 'vpt monitor', pid: 2345, startMs: NOW - 125 * MIN, mbAt: (t) => 100 + (400 * (t - (NOW - 120 * MIN))) / (60 * MIN) + leakNoise() },
  // The same leak in a process that has ended since: never judged.
  {
    name: 'hot_cold_archiver',
    pid: 4000,
    startMs: NOW - 4 * 60 * MIN,
    mbAt: (t) => (t <= NOW - 5 * MIN ? 100 + (400 * (t - (NOW - 120 * MIN))) / (60 * MIN) : undefined),
  },
  // Started 15 minutes ago: 5 minutes after its warm-up.
  { name: 'transcript_accumulator', pid: 5000, startMs: NOW - 15 * MIN, mbAt: (t) => 50 + (t - (NOW - 15 * MIN)) / MIN },
  // Restarted an hour ago with the same pid: the first run grew, the second is flat.
  {
    name: 'app.py',
    pid: 6000,
    startMs: NOW - 5 * 60 * MIN,
    mbAt: (t) => (t < NOW - 61 * MIN ? 200 + (300 * (t - (NOW - 120 * MIN))) / (60 * MIN) : undefined),
  },
  { name: 'app.py', pid: 6000, startMs: NOW - 60 * MIN, mbAt: () => 120 + jitter() },
  // Garbage-collected: a 40 MB tooth every 7 minutes and noise, no growth.
  { name: 'gc_worker.py', pid: 7000, startMs: NOW - 3 * 60 * MIN, mbAt: (t) => sawtooth(300, 40, 7)(t) + jitter() },
];

/** What still runs at report time: /proc/<pid>/stat with the start of the newest run. */
const ALIVE = [
  { pid: 1234, argv: ['python3', '/opt/farm/capture_monitor.py'], startMs: PROCESSES[0]!.startMs, rssMB: 450 },
  { pid: 2345, argv: ['node', '/usr/local/bin/vpt', 'monitor'], startMs: PROCESSES[1]!.startMs, rssMB: 900 },
  { pid: 5000, argv: ['python3', '/opt/farm/transcript_accumulator.py'], startMs: PROCESSES[3]!.startMs, rssMB: 65 },
  { pid: 6000, argv: ['python3', '/opt/farm/app.py'], startMs: PROCESSES[5]!.startMs, rssMB: 120 },
  { pid: 7000, argv: ['python3', '/opt/farm/gc_worker.py'], startMs: PROCESSES[6]!.startMs, rssMB: 320 },
];

let temp: { dir: string; cleanup: () => Promise<void> };
let report: Report;
beforeAll(async () => {
  temp = await makeTempDir('vpt-trend-report-');
  const proc = path.join(temp.dir, 'proc');
  // The report itself, the biggest process of all: it must not list itself.
  await writeFakeProc(proc, [...ALIVE, { pid: 999, argv: ['node', '/usr/local/bin/vpt', 'investigate'], startMs: NOW - 1000, rssMB: 5000 }], BOOT);
  await writeHealthLog(path.join(temp.dir, 'log'), PROCESSES, { fromMs: NOW - 120 * MIN, toMs: NOW, everyMs: 30_000, bootMs: BOOT });
  for (const d of ['stream', 'tmp', 'root']) await mkdir(path.join(temp.dir, d));
  const ctx = createProbeContext({
    procRoot: proc,
    sysRoot: path.join(temp.dir, 'root'),
    rootfs: path.join(temp.dir, 'root'),
    streamRoot: path.join(temp.dir, 'stream'),
    tmpDir: path.join(temp.dir, 'tmp'),
    trackedPatterns: ['capture_monitor', 'vpt monitor', 'app.py'],
    selfPid: 999,
    now: () => new Date(NOW),
    run: async (program) => {
      throw new MissingProgramError(program);
    },
  });
  report = await buildReport(ctx, { logDir: path.join(temp.dir, 'log'), memoryAlertBytes: 1024 ** 3, trendRules: DEFAULT_TREND_RULES });
});
afterAll(async () => temp.cleanup());

const trend = (label: string) => report.trends.find((t) => t.label === label);
const check = (label: string) => report.sections.find((s) => s.id === 'trends')!.checks.find((c) => c.label === label);

describe('memory trends from two hours of health logs (fake clock, fake /proc)', () => {
  it('a flat process with noise is judged steady: a rate near 0 with its bounds, no alert, no ETA', () => {
    const t = trend('capture_monitor.py (pid 1234)')!;
    expect(t).toMatchObject({ state: 'steady', leak: false, samples: 241 });
    expect(Math.abs(t.mbPerHour!)).toBeLessThan(2);
    expect(t.lower_mb_per_hour!).toBeLessThan(t.mbPerHour!);
    expect(t.upper_mb_per_hour!).toBeGreaterThan(t.mbPerHour!);
    expect(t.hoursToAlert).toBeUndefined();
    expect(check('capture_monitor.py (pid 1234)')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/no leak \(lower bound not over 10 MB\/hour\)$/),
    });
  });

  it('a real 400 MB/hour leak over 2 hours is called, with its bounds and the time to the alert', () => {
    const t = trend('vpt monitor (pid 2345)')!;
    expect(t).toMatchObject({ state: 'leak', leak: true });
    expect(Math.abs(t.mbPerHour! - 400)).toBeLessThan(3);
    expect(t.lower_mb_per_hour).toBeGreaterThan(390);
    expect(t.lower_mb_per_hour).toBeLessThan(t.mbPerHour!);
    // About 900 MB now, 1024 MB alert: about 124 MB at 400 MB/hour, 7292 MB to total RAM.
    expect(t.hoursToAlert! * 60).toBeGreaterThan(15);
    expect(t.hoursToAlert! * 60).toBeLessThan(22);
    expect(t.hoursToLimit).toBeCloseTo((8192 - t.currentMB) / t.mbPerHour!, 6);
    // Warm-up: the samples of its first 10 minutes are left out (started 125 min ago).
    expect(check('vpt monitor (pid 2345)')).toMatchObject({
      status: 'critical',
      detail: expect.stringMatching(
        /^\+\d{3}\.\d MB\/hour \(95% bounds \+\d{3}\.\d to \+\d{3}\.\d, 231 samples over 115 min\), now \d{3}\.\d MB, LEAK: alert in \d+\.\dm, RAM in 18\.\dh$/,
      ),
    });
    const leaks = report.diagnosis.filter((c) => c.cause === 'leak trend');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.evidence).toEqual([
      expect.stringMatching(/^vpt monitor \(pid 2345\) grows \d{3}\.\d MB\/hour \(95% lower bound \d{3}\.\d, 231 samples over 115 min\)$/),
    ]);
  });

  it('a process that has ended is not judged: no rate, not in the diagnosis, named as not judged', () => {
    const t = trend('hot_cold_archiver (pid 4000)')!;
    expect(t).toMatchObject({ state: 'ended', leak: false });
    expect(t.mbPerHour).toBeUndefined();
    expect(check('hot_cold_archiver (pid 4000)')).toBeUndefined();
    expect(report.sections.find((s) => s.id === 'trends')!.lines).toEqual([
      expect.stringMatching(/^not judged, no longer running: .*hot_cold_archiver \(pid 4000\)/),
    ]);
    expect(JSON.stringify(report.diagnosis)).not.toContain('hot_cold_archiver');
  });

  it('a short span is not judged and says how much history it has', () => {
    const t = trend('transcript_accumulator (pid 5000)')!;
    expect(t).toMatchObject({ state: 'not enough history', leak: false, samples: 11 });
    expect(t.mbPerHour).toBeUndefined();
    expect(check('transcript_accumulator (pid 5000)')).toEqual({
      label: 'transcript_accumulator (pid 5000)',
      status: 'unavailable',
      detail: 'not enough history yet (11 samples over 5 min; 20 over 30min needed, after 10min of warm-up)',
    });
  });

  it('a restart with the same pid makes two series: the ended run is not judged, the new one is', () => {
    const runs = report.trends.filter((t) => t.label === 'app.py (pid 6000)');
    expect(runs.map((t) => t.state).sort()).toEqual(['ended', 'steady']);
    expect(new Set(runs.map((t) => t.key)).size).toBe(2);
    const current = runs.find((t) => t.state === 'steady')!;
    // Its own warm-up: the 10 minutes after the restart are left out.
    expect(current.samples).toBe(101);
  });

  it('a GC-like sawtooth is not called a leak', () => {
    const t = trend('gc_worker.py (pid 7000)')!;
    expect(t).toMatchObject({ state: 'steady', leak: false });
    expect(t.lower_mb_per_hour!).toBeLessThan(10);
  });

  it('leaves the report itself out of the process lists', () => {
    const top = report.sections.find((s) => s.id === 'top')!;
    expect(top.lines.join('\n')).toContain('/opt/farm/capture_monitor.py');
    expect(top.lines.join('\n')).not.toContain('investigate');
    expect(top.checks[0]!.detail).toMatch(/^5 running/);
  });
});

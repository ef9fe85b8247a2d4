import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/investigate/diagnosis.js';
import type { HealthSample } from '../../src/core/investigate/health-types.js';
import { fitSlope, tQuantile95 } from '../../src/core/investigate/slope-fit.js';
import { DEFAULT_TREND_RULES, LEAK_MIN_MB_PER_HOUR, type TrendRules } from '../../src/core/investigate/trend-rules.js';
import { computeTrends, MAX_TREND_SERIES } from '../../src/core/investigate/trends.js';

const MB = 1024 * 1024;
const T0 = Date.parse('2025-10-17T13:30:00Z');

function sample(
  minute: number,
  processes: { pid: number; start: number; mb: number }[],
  hot: { device: string; usedMB: number; sizeMB: number }[] = [],
  startedMs?: number,
): HealthSample {
  return {
    version: 1,
    time: new Date(T0 + minute * 60_000).toISOString(),
    localTime: '',
    host: 'h',
    memory: { totalBytes: 8192 * MB, availableBytes: 4096 * MB, usedBytes: 4096 * MB, usedPercent: 50, swapTotalBytes: 0, swapUsedBytes: 0 },
    hotFolders: hot.map((h) => ({
      device: h.device,
      name: `${h.device}/hot`,
      usedBytes: h.usedMB * MB,
      sizeBytes: h.sizeMB * MB,
      usedPercent: Math.ceil((h.usedMB / h.sizeMB) * 100),
    })),
    processes: processes.map((p) => ({
      name: 'capture_monitor.py',
      pattern: 'capture_monitor',
      pid: p.pid,
      startTicks: p.start,
      startedAt: startedMs === undefined ? undefined : new Date(startedMs).toISOString(),
      rssBytes: p.mb * MB,
    })),
    alerts: [],
    pending: {},
    status: 'OK',
    unavailable: {},
    durationMs: 1,
  };
}

const RULES: TrendRules = { ...DEFAULT_TREND_RULES, minSpanMs: 30 * 60_000, minSamples: 5, warmupMs: 0 };
const input = (memoryAlertBytes: number, alive: string[] = []) => ({ memoryAlertBytes, rules: RULES, alive: new Set(alive) });

describe('fitSlope: least squares with one-sided 95% bounds', () => {
  it('fits a straight line exactly (no error) and puts bounds around a noisy one', () => {
    expect(
      fitSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toEqual({ slope: 2, standardError: 0, lower: 2, upper: 2 });
    const noisy = fitSlope([0, 1, 2, 3, 4, 5].map((x) => ({ x, y: x % 2 === 0 ? 10 : 0 })))!;
    expect(noisy.lower).toBeLessThan(0);
    expect(noisy.upper).toBeGreaterThan(0);
    expect(
      fitSlope([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
        { x: 1, y: 3 },
      ]),
    ).toBeUndefined();
    expect(
      fitSlope([
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ]),
    ).toBeUndefined();
  });

  it("Student's t quantile matches the table (one-sided 95%)", () => {
    for (const [df, t] of [
      [3, 2.353],
      [5, 2.015],
      [10, 1.812],
      [18, 1.734],
      [30, 1.697],
      [200, 1.653],
    ] as const) {
      expect(Math.abs(tQuantile95(df) - t) / t).toBeLessThan(df === 3 ? 0.02 : 0.005);
    }
  });
});

describe('trends from health samples', () => {
  const grow = (mbPerHour: number, minutes = 60) =>
    Array.from({ length: minutes / 5 + 1 }, (_, i) => sample(i * 5, [{ pid: 10, start: 500, mb: 450 + (mbPerHour * i * 5) / 60 }]));

  it('400 MB/hour over an hour is a leak with projections to the alert and to total RAM', () => {
    const [trend] = computeTrends(grow(400), input(1024 * MB, ['10:500']));
    expect(trend).toMatchObject({ kind: 'process', label: 'capture_monitor.py (pid 10)', key: '10:500', samples: 13, state: 'leak', leak: true });
    expect(trend!.mbPerHour).toBeCloseTo(400, 6);
    // Now at 850 MB: 174 MB to the 1G alert, 7342 MB to 8G of RAM.
    expect(trend!.hoursToAlert).toBeCloseTo(174 / 400, 6);
    expect(trend!.hoursToLimit).toBeCloseTo((8192 - 850) / 400, 6);
  });

  it(`a leak is called only when the lower bound is over ${LEAK_MIN_MB_PER_HOUR} MB/hour; no ETA otherwise`, () => {
    // A steady line has no error: lower bound = slope, on both sides of the threshold.
    const over = computeTrends(grow(LEAK_MIN_MB_PER_HOUR + 0.01), input(1024 * MB, ['10:500']))[0]!;
    const at = computeTrends(grow(LEAK_MIN_MB_PER_HOUR), input(1024 * MB, ['10:500']))[0]!;
    expect([over.state, at.state]).toEqual(['leak', 'steady']);
    expect(at.hoursToAlert).toBeUndefined();
    expect(at.hoursToLimit).toBeUndefined();
  });

  it('noisy memory is not called a leak even when the slope is over the threshold', () => {
    const samples = [100, 300, 120, 280, 140, 310, 130, 320].map((mb, i) => sample(i * 5, [{ pid: 1, start: 1, mb }]));
    const [trend] = computeTrends(samples, input(1024 * MB, ['1:1']));
    expect(trend!.mbPerHour!).toBeGreaterThan(LEAK_MIN_MB_PER_HOUR);
    expect(trend!.lower_mb_per_hour!).toBeLessThan(LEAK_MIN_MB_PER_HOUR);
    expect(trend).toMatchObject({ state: 'steady', leak: false });
  });

  it('minimum samples and span, on both sides', () => {
    const few = grow(400, 20); // 5 samples over 20 min
    expect(computeTrends(few, input(1024 * MB, ['10:500']))[0]).toMatchObject({ state: 'not enough history', samples: 5, spanMinutes: 20 });
    expect(computeTrends(few, { ...input(1024 * MB, ['10:500']), rules: { ...RULES, minSpanMs: 20 * 60_000 } })[0]!.state).toBe('leak');
    expect(computeTrends(few, { ...input(1024 * MB, ['10:500']), rules: { ...RULES, minSpanMs: 20 * 60_000, minSamples: 6 } })[0]!.state).toBe(
      'not enough history',
    );
  });

  it('warm-up: samples taken soon after the start are left out', () => {
    // Fast start-up growth for 10 minutes, then flat: judged on the flat part only.
    const samples = Array.from({ length: 19 }, (_, i) => sample(i * 5, [{ pid: 1, start: 1, mb: i < 2 ? 50 + i * 100 : 250 }], [], T0));
    const warm = computeTrends(samples, { ...input(1024 * MB, ['1:1']), rules: { ...RULES, warmupMs: 10 * 60_000 } })[0]!;
    expect(warm).toMatchObject({ state: 'steady', samples: 17 });
    expect(computeTrends(samples, input(1024 * MB, ['1:1']))[0]!.mbPerHour).toBeGreaterThan(LEAK_MIN_MB_PER_HOUR);
  });

  it('a restarted or reused pid starts a new series; a run that is not alive is not judged', () => {
    const samples = [
      ...[0, 5, 10, 15, 20, 25, 30].map((m) => sample(m, [{ pid: 10, start: 500, mb: 100 + m * 10 }])),
      ...[35, 40, 45, 50, 55, 60, 65].map((m) => sample(m, [{ pid: 10, start: 900, mb: 20 }])),
    ];
    const trends = computeTrends(samples, input(1024 * MB, ['10:900']));
    expect(trends.map((t) => [t.key, t.state])).toEqual([
      ['10:900', 'steady'],
      ['10:500', 'ended'],
    ]);
    expect(trends[1]!.mbPerHour).toBeUndefined();
  });

  it('a hot tmpfs filling up is projected to 90% and to full', () => {
    const samples = [0, 10, 20, 30, 40].map((m) => sample(m, [], [{ device: 'capture2', usedMB: 100 + m, sizeMB: 200 }]));
    const [trend] = computeTrends(samples, input(1024 * MB));
    expect(trend).toMatchObject({ kind: 'tmpfs', label: 'capture2/hot', key: 'capture2', state: 'leak' });
    expect(trend!.mbPerHour).toBeCloseTo(60, 6);
    expect(trend!.hoursToAlert).toBeCloseTo((180 - 140) / 60, 6);
    expect(trend!.hoursToLimit).toBeCloseTo((200 - 140) / 60, 6);
  });

  it(`never holds more than MAX_TREND_SERIES (${MAX_TREND_SERIES}) series`, () => {
    const many = Array.from({ length: 3 }, (_, i) =>
      sample(
        i,
        Array.from({ length: MAX_TREND_SERIES + 50 }, (_, pid) => ({ pid, start: 1, mb: 10 + i })),
      ),
    );
    expect(computeTrends(many, input(1024 * MB))).toHaveLength(MAX_TREND_SERIES);
  });
});

describe('diagnosis ranks the causes', () => {
  it('tmpfs exhaustion, then OOM, then high memory, then a leak trend', () => {
    const leak = computeTrends(
      Array.from({ length: 5 }, (_, i) => sample(i * 10, [{ pid: 1, start: 1, mb: 100 + i * 10 }])),
      input(100_000 * MB, ['1:1']),
    );
    const causes = diagnose({
      hotFolders: [
        {
          device: 'capture2',
          name: 'capture2/hot',
          path: '/x',
          usage: { sizeBytes: 200, usedBytes: 186, availableBytes: 14, usedPercent: 93 },
          fstype: 'tmpfs',
          ownMount: true,
        },
      ],
      ffmpegNoSpaceLines: 0,
      kernelOom: { source: 'dmesg', total: 2, events: [] },
      memory: {
        totalBytes: 100,
        availableBytes: 15,
        usedBytes: 85,
        usedPercent: 85,
        swapTotalBytes: 0,
        swapFreeBytes: 0,
        swapUsedBytes: 0,
        swapUsedPercent: undefined,
      },
      load: { load1: 1, load5: 1, load15: 1, runnable: 1, cores: 4 },
      trends: leak,
    });
    expect(causes.map((c) => c.cause)).toEqual(['tmpfs exhaustion', 'OOM', 'leak trend', 'high memory']);
    expect(causes[0]).toMatchObject({ severity: 'critical', evidence: ['capture2/hot at 93%'] });
    expect(causes.every((c) => c.nextSteps.length > 0)).toBe(true);
  });

  it('a steady leak is a cause even when nothing is over a threshold yet; a quiet host has none', () => {
    const leak = computeTrends(
      Array.from({ length: 5 }, (_, i) => sample(i * 10, [{ pid: 1, start: 1, mb: 100 + i * 10 }])),
      input(100_000 * MB, ['1:1']),
    );
    expect(diagnose({ ffmpegNoSpaceLines: 0, trends: leak }).map((c) => [c.cause, c.severity])).toEqual([['leak trend', 'warn']]);
    expect(diagnose({ ffmpegNoSpaceLines: 0, trends: [] })).toEqual([]);
  });

  it('leaks are listed most certain first (highest lower bound), not by the fastest rate', () => {
    const noisy = [0, 5, 10, 15, 20, 25, 30, 35, 40].map((m, i) => 100 + m * 2 + (i % 2 === 0 ? 20 : -20)); // ~120 MB/hour, wide bounds
    const samples = noisy.map((mb, i) =>
      sample(i * 5, [
        { pid: 1, start: 1, mb },
        { pid: 2, start: 2, mb: 100 + i * 5 }, // 60 MB/hour, exact
      ]),
    );
    const trends = computeTrends(samples, input(100_000 * MB, ['1:1', '2:2']));
    expect(trends.map((t) => [t.key, t.state])).toEqual([
      ['2:2', 'leak'],
      ['1:1', 'leak'],
    ]);
    expect(trends[1]!.mbPerHour!).toBeGreaterThan(trends[0]!.mbPerHour!);
    const [cause] = diagnose({ ffmpegNoSpaceLines: 0, trends: [...trends].reverse() });
    expect(cause!.evidence.map((e) => e.slice(0, 34))).toEqual(['capture_monitor.py (pid 2) grows 6', 'capture_monitor.py (pid 1) grows 1']);
  });

  it('throttling: bits set now are critical, past ones a warning', () => {
    const flags = {
      underVoltageNow: true,
      frequencyCappedNow: false,
      throttledNow: true,
      softTempLimitNow: false,
      underVoltageOccurred: true,
      frequencyCappedOccurred: false,
      throttledOccurred: true,
      softTempLimitOccurred: false,
    };
    const [cause] = diagnose({ ffmpegNoSpaceLines: 0, trends: [], throttled: { raw: 0x50005, flags } });
    expect(cause).toMatchObject({ cause: 'throttling', severity: 'critical' });
    expect(cause!.nextSteps[0]).toMatch(/power supply/);
  });
});

import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/investigate/diagnosis.js';
import type { HealthSample } from '../../src/core/investigate/health-types.js';
import { computeTrends, leastSquares, MAX_TREND_SERIES } from '../../src/core/investigate/trends.js';

const MB = 1024 * 1024;
const T0 = Date.parse('2025-10-17T13:30:00Z');

function sample(
  minute: number,
  processes: { pid: number; start: number; mb: number }[],
  hot: { device: string; usedMB: number; sizeMB: number }[] = [],
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
    processes: processes.map((p) => ({ name: 'capture_monitor.py', pattern: 'capture_monitor', pid: p.pid, startTicks: p.start, rssBytes: p.mb * MB })),
    alerts: [],
    pending: {},
    status: 'OK',
    unavailable: {},
    durationMs: 1,
  };
}

describe('least squares', () => {
  it('fits a straight line exactly (R² 1) and noise poorly', () => {
    expect(
      leastSquares([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toEqual({ slope: 2, intercept: 1, r2: 1 });
    const noisy = leastSquares([0, 1, 2, 3, 4, 5].map((x) => ({ x, y: x % 2 === 0 ? 10 : 0 })))!;
    expect(noisy.r2).toBeLessThan(0.2);
    expect(
      leastSquares([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeUndefined();
  });
});

describe('trends from health samples', () => {
  it('400 MB/hour over an hour is a leak with projections to the alert and to total RAM', () => {
    const samples = Array.from({ length: 13 }, (_, i) => sample(i * 5, [{ pid: 10, start: 500, mb: 450 + (400 * i * 5) / 60 }]));
    const [trend] = computeTrends(samples, 1024 * MB);
    expect(trend).toMatchObject({ kind: 'process', label: 'capture_monitor.py (pid 10)', key: '10:500', samples: 13, leak: true });
    expect(trend!.mbPerHour).toBeCloseTo(400, 6);
    expect(trend!.r2).toBeCloseTo(1, 9);
    // Now at 850 MB: 174 MB to the 1G alert, 7342 MB to 8G of RAM.
    expect(trend!.hoursToAlert).toBeCloseTo(174 / 400, 6);
    expect(trend!.hoursToLimit).toBeCloseTo((8192 - 850) / 400, 6);
  });

  it('a restarted or reused pid starts a new series; fewer than 3 points give no trend', () => {
    const samples = [
      sample(0, [{ pid: 10, start: 500, mb: 100 }]),
      sample(1, [{ pid: 10, start: 500, mb: 110 }]),
      sample(2, [{ pid: 10, start: 900, mb: 20 }]),
      sample(3, [{ pid: 10, start: 900, mb: 20 }]),
      sample(4, [{ pid: 10, start: 900, mb: 20 }]),
    ];
    const trends = computeTrends(samples, 1024 * MB);
    expect(trends.map((t) => [t.key, t.leak])).toEqual([['10:900', false]]);
    expect(trends[0]!.hoursToAlert).toBeUndefined();
  });

  it('noisy memory is not called a leak even when the slope is positive', () => {
    const samples = [100, 300, 120, 280, 140, 310].map((mb, i) => sample(i, [{ pid: 1, start: 1, mb }]));
    const [trend] = computeTrends(samples, 1024 * MB);
    expect(trend!.mbPerHour).toBeGreaterThan(0);
    expect(trend!.r2).toBeLessThan(0.8);
    expect(trend!.leak).toBe(false);
  });

  it('a hot tmpfs filling up is projected to 90% and to full', () => {
    const samples = [0, 10, 20, 30].map((m) => sample(m, [], [{ device: 'capture2', usedMB: 100 + m, sizeMB: 200 }]));
    const [trend] = computeTrends(samples, 1024 * MB);
    expect(trend).toMatchObject({ kind: 'tmpfs', label: 'capture2/hot', leak: true });
    expect(trend!.mbPerHour).toBeCloseTo(60, 6);
    expect(trend!.hoursToAlert).toBeCloseTo((180 - 130) / 60, 6);
    expect(trend!.hoursToLimit).toBeCloseTo((200 - 130) / 60, 6);
  });

  it(`never holds more than MAX_TREND_SERIES (${MAX_TREND_SERIES}) series`, () => {
    const many = Array.from({ length: 3 }, (_, i) =>
      sample(
        i,
        Array.from({ length: MAX_TREND_SERIES + 50 }, (_, pid) => ({ pid, start: 1, mb: 10 + i })),
      ),
    );
    expect(computeTrends(many, 1024 * MB)).toHaveLength(MAX_TREND_SERIES);
  });
});

describe('diagnosis ranks the causes', () => {
  it('tmpfs exhaustion, then OOM, then high memory, then a leak trend', () => {
    const leak = computeTrends(
      Array.from({ length: 5 }, (_, i) => sample(i * 10, [{ pid: 1, start: 1, mb: 100 + i * 10 }])),
      100_000 * MB,
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
      100_000 * MB,
    );
    expect(diagnose({ ffmpegNoSpaceLines: 0, trends: leak }).map((c) => [c.cause, c.severity])).toEqual([['leak trend', 'warn']]);
    expect(diagnose({ ffmpegNoSpaceLines: 0, trends: [] })).toEqual([]);
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

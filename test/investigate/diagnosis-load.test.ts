import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/investigate/diagnosis.js';
import { judgeLoad } from '../../src/core/investigate/load-level.js';
import type { ProcessSummary } from '../../src/core/probes/processes.js';

const proc = (pid: number, comm: string, cpuPercent: number, rssMb: number): ProcessSummary => ({
  pid,
  comm,
  command: `${comm} --x`,
  cpuPercent,
  rssBytes: rssMb * 1024 ** 2,
});
const load = (load5: number) => ({ load1: load5, load5, load15: load5, runnable: 1, cores: 4 });
const memory = (usedPercent: number) => ({
  totalBytes: 4e9,
  availableBytes: 4e9 * (1 - usedPercent / 100),
  usedBytes: 4e9 * (usedPercent / 100),
  usedPercent,
  swapTotalBytes: 0,
  swapFreeBytes: 0,
  swapUsedBytes: 0,
  swapUsedPercent: undefined,
});

describe('the diagnosis speaks of what it saw', () => {
  it.each([
    [3.99, 'ok'],
    [4.01, 'warn'],
    [8, 'warn'],
    [8.01, 'critical'],
  ])('load5 %d on 4 cores is %s (one rule for the report and --health)', (value, level) => {
    expect(judgeLoad(load(value))?.level).toBe(level);
  });

  it('CPU hogs outside the farm, no capture running: names them, no "fewer devices per host"', () => {
    const processes = {
      count: 3,
      ffmpegCount: 0,
      windowMs: 500,
      processes: [proc(10, 'stress', 99, 5), proc(11, 'stress', 98, 5), proc(12, 'python3', 1, 40)],
    };
    const [cause] = diagnose({ ffmpegNoSpaceLines: 0, load: load(12), processes, trackedPids: new Set([12]), trends: [] });
    expect(cause).toMatchObject({ cause: 'CPU overload', severity: 'critical' });
    expect(cause!.evidence).toEqual([
      'load 12.00 over 5 min on 4 core(s) (3.00 per core)',
      'uses 99% CPU: stress --x (pid 10, RSS 5.0MB, not a farm process)',
      'uses 98% CPU: stress --x (pid 11, RSS 5.0MB, not a farm process)',
    ]);
    expect(cause!.nextSteps).toEqual(["stop, move or renice what is not the farm's: stress"]);
  });

  it('captures running and busy: the farm is the load, so fewer devices or a lower fps', () => {
    const processes = {
      count: 2,
      ffmpegCount: 2,
      windowMs: 500,
      processes: [proc(20, 'ffmpeg', 120, 80), proc(21, 'ffmpeg', 110, 80)],
    };
    const [cause] = diagnose({ ffmpegNoSpaceLines: 0, load: load(6), processes, trends: [] });
    expect(cause!.evidence.slice(1)).toEqual([
      "uses 120% CPU: ffmpeg --x (pid 20, RSS 80.0MB, the farm's)",
      "uses 110% CPU: ffmpeg --x (pid 21, RSS 80.0MB, the farm's)",
    ]);
    expect(cause!.nextSteps).toEqual(['2 ffmpeg capture(s) running: fewer devices per host, or a lower capture fps']);
  });

  it("high memory held by a process that is not the farm's says so", () => {
    const processes = { count: 2, ffmpegCount: 0, windowMs: 500, processes: [proc(30, 'chromium', 1, 3000), proc(31, 'python3', 1, 200)] };
    const [cause] = diagnose({ ffmpegNoSpaceLines: 0, memory: memory(95), processes, trackedPids: new Set([31]), trends: [] });
    expect(cause!.cause).toBe('high memory');
    expect(cause!.evidence[1]).toBe('holds 3000.0MB: chromium --x (pid 30, 1% CPU, not a farm process)');
    expect(cause!.nextSteps).toEqual(["the biggest is not the farm's (chromium): stop it or cap it (MemoryMax= in its unit)"]);
  });
});

import { readFileSync } from 'node:fs';
import { readProcOr } from './proc-pid.js';
import path from 'node:path';
import { available, unavailable, type Probe } from './types.js';

/** Load averages and how many CPUs they are shared by. */
export interface LoadInfo {
  load1: number;
  load5: number;
  load15: number;
  runnable: number | undefined;
  /** Online CPUs counted from /proc/stat (the `cpuN` lines). */
  cores: number | undefined;
}

/** Parse /proc/loadavg: `0.52 0.58 0.59 2/345 12345`. */
export function parseLoadavg(text: string): Omit<LoadInfo, 'cores'> | undefined {
  const match = /^(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)(?:\s+(\d+)\/(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return {
    load1: Number(match[1]),
    load5: Number(match[2]),
    load15: Number(match[3]),
    runnable: match[4] === undefined ? undefined : Number(match[4]),
  };
}

/** Count the per-CPU lines of /proc/stat (`cpu0 ...`, `cpu1 ...`), not the `cpu` total line. */
export function countCpus(procStat: string): number | undefined {
  const count = procStat.split('\n').filter((line) => /^cpu\d+\s/.test(line)).length;
  return count > 0 ? count : undefined;
}

/** Boot time in seconds since the epoch (`btime` in /proc/stat). */
export function parseBootTime(procStat: string): number | undefined {
  const match = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return match ? Number(match[1]) : undefined;
}

export const loadProbe: Probe<LoadInfo> = {
  name: 'load',
  async sample(ctx) {
    const loadavg = readFileSync(path.join(ctx.procRoot, 'loadavg'), 'utf8');
    const stat = readProcOr(path.join(ctx.procRoot, 'stat'));
    const load = parseLoadavg(loadavg);
    if (!load) return unavailable('/proc/loadavg is not in the expected format');
    return available({ ...load, cores: countCpus(stat) });
  },
};

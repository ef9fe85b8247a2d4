import { parseProcStat, readPidFile } from '../probes/proc-pid.js';
import type { HealthSample } from './health-types.js';
import { MAX_TREND_SERIES } from './trends.js';

/**
 * Which recorded process runs still exist: /proc/<pid>/stat is there, the process is no zombie,
 * and its start time is the one recorded (a reused pid is another process). The report judges
 * only these: advice to restart a process that has ended helps no one (issue 24).
 */

/** The process runs the samples hold, at most MAX_TREND_SERIES (as many as the trends keep). */
export function recordedRuns(samples: readonly HealthSample[]): Map<string, { pid: number; startTicks: number }> {
  const runs = new Map<string, { pid: number; startTicks: number }>();
  for (const sample of samples) {
    for (const p of sample.processes ?? []) {
      if (runs.size >= MAX_TREND_SERIES) return runs;
      runs.set(`${p.pid}:${p.startTicks}`, { pid: p.pid, startTicks: p.startTicks });
    }
  }
  return runs;
}

/** `pid:startTicks` of the runs alive now, read through `procRoot`. */
export async function aliveRuns(procRoot: string, runs: Iterable<{ pid: number; startTicks: number }>): Promise<Set<string>> {
  const alive = new Set<string>();
  for (const run of runs) {
    const text = await readPidFile(procRoot, run.pid, 'stat');
    const stat = text === undefined ? undefined : parseProcStat(text);
    if (stat && stat.state !== 'Z' && stat.startTicks === run.startTicks) alive.add(`${run.pid}:${run.startTicks}`);
  }
  return alive;
}

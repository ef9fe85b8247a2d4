import { setTimeout as sleep } from 'node:timers/promises';
import { parseProcStatus } from '../memory/proc-status.js';
import { CLOCK_TICKS_PER_SECOND, listPids, parseProcStat, readPidFile, splitCmdline } from './proc-pid.js';
import { available, type Probe } from './types.js';
import { redactUrlsIn } from '../webhook/redact-url.js';
import { monotonicMs } from './monotonic.js';

/** Every process, for the report's top-CPU and top-memory lists and the ffmpeg count. */
export interface ProcessSummary {
  pid: number;
  comm: string;
  /** The command line, cut to COMMAND_CHARS. */
  command: string;
  rssBytes: number | undefined;
  /** CPU use over the measuring window, percent of one core (top's convention: 4 busy cores = 400%). */
  cpuPercent: number | undefined;
}

export interface ProcessesInfo {
  count: number;
  /** Sorted by CPU, highest first, at most MAX_PROCESSES_KEPT. */
  processes: ProcessSummary[];
  ffmpegCount: number;
  windowMs: number;
}

/** CPU% needs two readings; half a second is long enough to be meaningful and short for a report. */
export const PROCESS_CPU_WINDOW_MS = 500;
/** A report keeps no more than this many process records, whatever the host runs. */
export const MAX_PROCESSES_KEPT = 2_000;
/** Command lines are shown, not stored: a long one is cut. */
export const COMMAND_CHARS = 120;

async function readTicks(procRoot: string, pids: number[]): Promise<Map<number, number>> {
  const texts = await Promise.all(pids.map((pid) => readPidFile(procRoot, pid, 'stat')));
  const ticks = new Map<number, number>();
  texts.forEach((text, i) => {
    const stat = text === undefined ? undefined : parseProcStat(text);
    if (stat) ticks.set(pids[i]!, stat.utimeTicks + stat.stimeTicks);
  });
  return ticks;
}

/** `selfPid` is left out: the report is busy while it measures, and is never the cause (nor a top process). */
export async function scanProcesses(procRoot: string, windowMs = PROCESS_CPU_WINDOW_MS, selfPid?: number): Promise<ProcessesInfo> {
  const pids = (await listPids(procRoot)).filter((pid) => pid !== selfPid);
  const before = await readTicks(procRoot, pids);
  const started = monotonicMs();
  await sleep(windowMs);
  const after = await readTicks(procRoot, pids);
  const elapsedSeconds = (monotonicMs() - started) / 1000;
  const processes = await Promise.all(
    pids.map(async (pid): Promise<ProcessSummary | undefined> => {
      const [statText, statusText, cmdline] = await Promise.all([
        readPidFile(procRoot, pid, 'stat'),
        readPidFile(procRoot, pid, 'status'),
        readPidFile(procRoot, pid, 'cmdline'),
      ]);
      const stat = statText === undefined ? undefined : parseProcStat(statText);
      if (!stat) return undefined;
      const a = before.get(pid);
      const b = after.get(pid);
      const argv = splitCmdline(cmdline ?? '');
      return {
        pid,
        comm: stat.comm,
        // A command line can carry a secret (`vpt monitor --webhook http://user:secret@...`): never into a report.
        command: redactUrlsIn(argv.length > 0 ? argv.join(' ').trim() : `[${stat.comm}]`).slice(0, COMMAND_CHARS),
        rssBytes: statusText === undefined ? undefined : parseProcStatus(statusText).rssBytes,
        cpuPercent: a === undefined || b === undefined ? undefined : ((b - a) / CLOCK_TICKS_PER_SECOND / elapsedSeconds) * 100,
      };
    }),
  );
  const known = processes.filter((p): p is ProcessSummary => p !== undefined);
  known.sort((x, y) => (y.cpuPercent ?? -1) - (x.cpuPercent ?? -1));
  return {
    count: known.length,
    processes: known.slice(0, MAX_PROCESSES_KEPT),
    ffmpegCount: known.filter((p) => p.comm === 'ffmpeg').length,
    windowMs,
  };
}

export const processesProbe: Probe<ProcessesInfo> = {
  name: 'processes',
  async sample(ctx) {
    return available(await scanProcesses(ctx.procRoot, PROCESS_CPU_WINDOW_MS, ctx.selfPid));
  },
};

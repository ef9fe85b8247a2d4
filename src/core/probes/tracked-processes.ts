import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { parseBootTime } from './load.js';
import { parseProcStatus } from '../memory/proc-status.js';
import { CLOCK_TICKS_PER_SECOND, listPids, parseProcStat, readPidFile, readProcOr, splitCmdline } from './proc-pid.js';
import { matchTracked } from './tracked-match.js';
import { available, type Probe } from './types.js';

/** One running process matching a tracked pattern. pid + startTicks identify it across samples. */
export interface TrackedProcess {
  name: string;
  pattern: string;
  pid: number;
  /** /proc/<pid>/stat starttime (clock ticks after boot): a restarted or reused pid gets a new value. */
  startTicks: number;
  /** Wall-clock start, when the boot time is known. */
  startedAt: string | undefined;
  rssBytes: number | undefined;
  /** CPU time used so far, seconds. */
  cpuSeconds: number;
  /** The folder holding the matched script (`/opt/farm` for `python3 /opt/farm/app.py`), when known. */
  codeDir: string | undefined;
}

/** A host runs a few hundred processes; more tracked matches than this is a bad pattern, not a farm. */
export const MAX_TRACKED_PROCESSES = 64;

/**
 * The folder of the script a tracked process runs: the argument that matched, made absolute against
 * the process's cwd when relative. undefined for a program matched by name alone (`vpt monitor`)
 * or a cwd we may not read (another user's process).
 */
function scriptFolder(argv: readonly string[], name: string, cwd: () => string | undefined): string | undefined {
  const script = argv.slice(1).find((arg) => !arg.startsWith('-') && path.basename(arg) === name);
  if (script === undefined) return undefined;
  if (path.isAbsolute(script)) return path.dirname(script);
  const base = cwd();
  return base === undefined ? undefined : path.dirname(path.resolve(base, script));
}

function readCwd(procRoot: string, pid: number): string | undefined {
  try {
    return readlinkSync(`${procRoot}/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/**
 * Scan /proc once: read every cmdline, match, then read stat and status only
 * for the matches. No child process (no ps, no pgrep): this runs every 30 s.
 */
export async function scanTracked(
  procRoot: string,
  patterns: readonly string[],
  selfPid: number,
): Promise<{ processes: TrackedProcess[]; truncated: boolean }> {
  const pids = (await listPids(procRoot)).filter((pid) => pid !== selfPid);
  const cmdlines = await Promise.all(pids.map((pid) => readPidFile(procRoot, pid, 'cmdline')));
  const matches = pids
    .map((pid, i) => ({ pid, argv: splitCmdline(cmdlines[i] ?? '') }))
    .map(({ pid, argv }) => ({ pid, argv, match: matchTracked(argv, patterns) }))
    .filter((m) => m.match !== undefined);
  const truncated = matches.length > MAX_TRACKED_PROCESSES;
  const btime = parseBootTime(readProcOr(path.join(procRoot, 'stat')));
  const processes = await Promise.all(
    matches.slice(0, MAX_TRACKED_PROCESSES).map(async ({ pid, argv, match }) => {
      const [statText, statusText] = await Promise.all([readPidFile(procRoot, pid, 'stat'), readPidFile(procRoot, pid, 'status')]);
      const stat = statText === undefined ? undefined : parseProcStat(statText);
      // Gone between the cmdline read and now, or a zombie: nothing to measure.
      if (!stat || statusText === undefined || stat.state === 'Z') return undefined;
      const status = parseProcStatus(statusText);
      return {
        name: match!.name,
        pattern: match!.pattern,
        pid,
        startTicks: stat.startTicks,
        startedAt: btime === undefined ? undefined : new Date((btime + stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000).toISOString(),
        rssBytes: status.rssBytes,
        cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / CLOCK_TICKS_PER_SECOND,
        codeDir: scriptFolder(argv, match!.name, () => readCwd(procRoot, pid)),
      } satisfies TrackedProcess;
    }),
  );
  return { processes: processes.filter((p): p is TrackedProcess => p !== undefined), truncated };
}

export const trackedProcessesProbe: Probe<{ processes: TrackedProcess[]; truncated: boolean }> = {
  name: 'tracked-processes',
  async sample(ctx) {
    return available(await scanTracked(ctx.procRoot, ctx.trackedPatterns, ctx.selfPid));
  },
};

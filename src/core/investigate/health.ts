import { appendFile, mkdir, stat } from '../fs/fs-async.js';
import path from 'node:path';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { EXIT, VptError, errnoCode } from '../errors.js';
import { defaultCacheDirs, expandCacheDirs, sizeCacheDirs } from '../probes/cache-dirs.js';
import { diskProbe } from '../probes/disk.js';
import { runProbes } from '../probes/runner.js';
import type { ProbeContext } from '../probes/types.js';
import { hotFoldersProbe } from '../probes/hot-folders.js';
import { journalProbe } from '../probes/journal.js';
import { loadProbe } from '../probes/load.js';
import { memoryProbe } from '../probes/memory.js';
import { tempFilesProbe } from '../probes/temp-files.js';
import { trackedProcessesProbe } from '../probes/tracked-processes.js';
import { vmstatProbe } from '../probes/vmstat.js';
import { debounce, evaluateConditions, nagiosState } from './health-alerts.js';
import { healthLogPath, readLastSample } from './health-history.js';
import { formatHealthLog } from './health-log.js';
import { readDebounceCounters, writeDebounceCounters } from './health-state.js';
import { NAGIOS_EXIT, type HealthSample } from './health-types.js';
import { healthSampleJson } from './health-sample-json.js';
import { judgeLoad } from './load-level.js';
import { localTimestamp } from './local-time.js';
import { formatNagiosLine } from './nagios.js';
import { monotonicMs } from '../probes/monotonic.js';

/**
 * The 30-second health sample: only file reads and statfs (no child process,
 * no heavy module), folder walks capped tightly, then one append to the text
 * log, one JSON line, the debounce state, and optionally the .prom file.
 */

/** A sample runs every 30 s on a Pi: the /tmp and journal walks get a small share of it. */
export const HEALTH_WALK_LIMITS = { maxEntries: 5_000, maxMs: 100 };

const HEALTH_PROBES = {
  memory: memoryProbe,
  load: loadProbe,
  disk: diskProbe,
  hotFolders: hotFoldersProbe,
  tracked: trackedProcessesProbe,
  journal: journalProbe(HEALTH_WALK_LIMITS),
  tmp: tempFilesProbe(HEALTH_WALK_LIMITS),
  vmstat: vmstatProbe,
};
/** Without these the sample means nothing: UNKNOWN. */
const CORE_PROBES = ['memory', 'load', 'disk'] as const;

export interface HealthOptions {
  logDir: string;
  memoryAlertBytes: number;
  forSamples: number;
  promFile?: string;
  /** --cache-dirs (folders or globs); undefined: the `__pycache__` of the tracked scripts' folders. */
  cacheDirs?: readonly string[];
}

export interface HealthResult {
  sample: HealthSample;
  logText: string;
  nagiosLine: string;
  exitCode: number;
}

export async function takeHealthSample(ctx: ProbeContext, options: HealthOptions): Promise<HealthResult> {
  const started = monotonicMs();
  const now = ctx.now();
  await ensureLogDir(options.logDir);
  if (options.promFile) await checkPromTarget(options.promFile);
  const [runs, previous, counters] = await Promise.all([
    runProbes(HEALTH_PROBES, ctx),
    readLastSample(options.logDir, now),
    readDebounceCounters(options.logDir),
  ]);
  const unavailable: Record<string, string> = {};
  for (const run of Object.values(runs)) if (!run.result.available) unavailable[run.name] = run.result.reason;
  const data = <T>(run: { result: { available: true; data: T } | { available: false } }): T | undefined => (run.result.available ? run.result.data : undefined);
  const memory = data(runs.memory);
  const load = data(runs.load);
  const disk = data(runs.disk);
  const journal = data(runs.journal);
  const tmp = data(runs.tmp);
  const oomKillCounter = data(runs.vmstat)?.oomKills;
  const tracked = data(runs.tracked)?.processes ?? [];
  // After the probes: the default folders come from the tracked processes' scripts.
  const cacheDirs = await sizeCacheDirs(
    options.cacheDirs ? await expandCacheDirs(options.cacheDirs) : defaultCacheDirs(tracked.map((p) => p.codeDir)),
    HEALTH_WALK_LIMITS,
  );
  const body: Omit<HealthSample, 'alerts' | 'pending' | 'status'> = {
    version: 1,
    time: now.toISOString(),
    localTime: localTimestamp(now),
    host: hostname(),
    load: load && { load1: load.load1, load5: load.load5, load15: load.load15, cores: load.cores, level: judgeLoad(load)?.level },
    memory: memory && {
      totalBytes: memory.totalBytes,
      availableBytes: memory.availableBytes,
      usedBytes: memory.usedBytes,
      usedPercent: memory.usedPercent,
      swapTotalBytes: memory.swapTotalBytes,
      swapUsedBytes: memory.swapUsedBytes,
    },
    disk: disk && { path: disk.path, usedPercent: disk.usedPercent, sizeBytes: disk.sizeBytes, availableBytes: disk.availableBytes },
    hotFolders: (data(runs.hotFolders) ?? []).map((h) => ({
      device: h.device,
      name: h.name,
      usedPercent: h.usage?.usedPercent,
      usedBytes: h.usage?.usedBytes,
      sizeBytes: h.usage?.sizeBytes,
      fstype: h.fstype,
      error: h.error,
    })),
    processes: tracked.map((p) => ({
      name: p.name,
      pattern: p.pattern,
      pid: p.pid,
      startTicks: p.startTicks,
      startedAt: p.startedAt,
      rssBytes: p.rssBytes,
      memPercent: p.rssBytes !== undefined && memory ? (p.rssBytes / memory.totalBytes) * 100 : undefined,
    })),
    journal: journal && {
      // A journal folder that does not exist holds nothing.
      runtimeBytes: journal.runtime.bytes ?? 0,
      persistentBytes: journal.persistent.bytes ?? 0,
      runtimeLimitBytes: journal.runtimeLimitBytes,
      complete: !journal.runtime.truncated && !journal.persistent.truncated,
    },
    tmp: tmp && {
      dir: tmp.dir,
      bytes: tmp.size.bytes,
      complete: tmp.size.complete,
      ...(tmp.size.complete ? {} : { walk_stopped_at: tmp.size.entries }),
      leftoverFiles: tmp.leftovers.count,
      leftoverBytes: tmp.leftovers.bytes,
    },
    cacheDirs: cacheDirs.map((c) => ({ ...c, grownBytes: grownSince(previous, c.path, c.bytes) })),
    oomKillCounter,
    oomKillsSinceLast: oomKillsSince(previous?.oomKillCounter, oomKillCounter),
    unavailable,
    durationMs: 0,
  };
  const conditions = evaluateConditions(body, { memoryAlertBytes: options.memoryAlertBytes });
  const { fired, counters: next, pending } = debounce(conditions, counters, options.forSamples);
  const status = nagiosState(
    fired,
    CORE_PROBES.some((name) => name in unavailable),
  );
  const sample: HealthSample = { ...body, alerts: fired, pending, status, durationMs: monotonicMs() - started };
  const logText = formatHealthLog(sample);
  await write(options.logDir, async () => {
    await appendFile(healthLogPath(options.logDir, now, 'log'), logText);
    await appendFile(healthLogPath(options.logDir, now, 'jsonl'), `${JSON.stringify(healthSampleJson(sample))}\n`);
    await writeDebounceCounters(options.logDir, next);
  });
  if (options.promFile) {
    const promFile = options.promFile;
    const { renderMetrics, sampleMetrics } = await import('./prometheus.js');
    await writeProm(promFile, renderMetrics(sampleMetrics(sample)));
  }
  const nagiosLine = formatNagiosLine(sample, options.memoryAlertBytes);
  return { sample, logText, nagiosLine, exitCode: NAGIOS_EXIT[status] };
}

/** Growth of one cache folder since the previous sample; undefined when it was not measured then. */
function grownSince(previous: HealthSample | undefined, dir: string, bytes: number): number | undefined {
  const before = previous?.cacheDirs?.find((c) => c.path === dir);
  return before === undefined ? undefined : bytes - before.bytes;
}

/** The counter restarts at 0 on boot: then every kill it counts happened since the previous sample. */
export function oomKillsSince(previous: number | undefined, current: number | undefined): number | undefined {
  if (previous === undefined || current === undefined) return undefined;
  return current >= previous ? current - previous : current;
}

function promError(promFile: string, why: string): VptError {
  return new VptError(`--prom ${promFile}: ${why}`, EXIT.unknown);
}

/** A wrong --prom is named as such, before anything is written, not as the temp file or rename that failed. */
async function checkPromTarget(promFile: string): Promise<void> {
  const dir = path.dirname(promFile);
  if ((await stat(promFile).catch(() => undefined))?.isDirectory()) {
    throw promError(promFile, `is a folder; give a file in it, e.g. --prom ${path.join(promFile, 'vpt.prom')}`);
  }
  const folder = await stat(dir).catch(() => undefined);
  if (!folder) throw promError(promFile, `the folder ${dir} does not exist; create it (node_exporter's --collector.textfile.directory) or give another path`);
  if (!folder.isDirectory()) throw promError(promFile, `${dir} is not a folder`);
}

/** Rebuilt every 30 s: atomic rename so node_exporter never reads half a file; no fsync wear on the SD card. */
async function writeProm(promFile: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(promFile, text, { fsync: false });
  } catch (err) {
    const code = errnoCode(err);
    const dir = path.dirname(promFile);
    throw promError(
      promFile,
      code === 'EACCES' || code === 'EPERM' ? `permission denied in ${dir}` : code === 'ENOSPC' ? `no space left in ${dir}` : (err as Error).message,
    );
  }
}

async function ensureLogDir(logDir: string): Promise<void> {
  await write(logDir, () => mkdir(logDir, { recursive: true }));
}

/** A health sample that cannot record itself is UNKNOWN (exit 3), with a line saying what to fix. */
async function write(target: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'no space left' : (err as Error).message;
    throw new VptError(`cannot write ${target}: ${why}; choose another place with --log-dir, or fix its permissions`, EXIT.unknown);
  }
}

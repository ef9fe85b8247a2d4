import { tmpdir } from 'node:os';
import { silentLogger } from '../logger.js';
import { bootsProbe } from './boots.js';
import { diskProbe } from './disk.js';
import { ffmpegLogsProbe } from './ffmpeg-logs.js';
import { healthSamplingProbe } from './health-sampling.js';
import { hotFoldersProbe } from './hot-folders.js';
import { journalProbe } from './journal.js';
import { kernelOomProbe } from './kernel-oom.js';
import { loadProbe } from './load.js';
import { memoryProbe } from './memory.js';
import { processesProbe } from './processes.js';
import { raspberryPiProbe } from './raspberry-pi.js';
import { runProbe, type ProbeRun } from './runner.js';
import { servicesProbe } from './services.js';
import { tempFilesProbe } from './temp-files.js';
import { trackedProcessesProbe } from './tracked-processes.js';
import { DEFAULT_TRACKED_PATTERNS, type CommandRunner, type Probe, type ProbeContext } from './types.js';
import { uptimeProbe } from './uptime.js';
import { vmstatProbe } from './vmstat.js';

/**
 * Every probe the full report runs, listed explicitly (node_exporter's
 * registry). The health sample runs a cheap subset with tighter bounds.
 */
export const REPORT_PROBES = {
  uptime: uptimeProbe,
  raspberryPi: raspberryPiProbe,
  memory: memoryProbe,
  load: loadProbe,
  processes: processesProbe,
  tracked: trackedProcessesProbe,
  disk: diskProbe,
  hotFolders: hotFoldersProbe,
  vmstat: vmstatProbe,
  kernelOom: kernelOomProbe,
  journal: journalProbe(),
  boots: bootsProbe,
  services: servicesProbe,
  ffmpegLogs: ffmpegLogsProbe,
  tempFiles: tempFilesProbe(),
  healthSampling: healthSamplingProbe,
} as const;

type ProbeData<P> = P extends Probe<infer T> ? T : never;
export type ProbeRuns<M extends Record<string, Probe<unknown>>> = { [K in keyof M]: ProbeRun<ProbeData<M[K]>> };

/** Run a set of probes concurrently, each under its own timeout; never throws. */
export async function runProbes<M extends Record<string, Probe<unknown>>>(probes: M, ctx: ProbeContext): Promise<ProbeRuns<M>> {
  const entries = await Promise.all(Object.entries(probes).map(async ([key, probe]) => [key, await runProbe(probe, ctx)] as const));
  return Object.fromEntries(entries) as ProbeRuns<M>;
}

/** runProgram, imported only when a probe really runs a command: execa costs ~150 ms to load. */
export const lazyRunProgram: CommandRunner = async (program, args, options) => {
  const { runProgram } = await import('../process-runner.js');
  return runProgram(program, args, options);
};

export function createProbeContext(overrides: Partial<ProbeContext> = {}): ProbeContext {
  return {
    procRoot: '/proc',
    sysRoot: '/sys',
    rootfs: '/',
    streamRoot: '/var/www/html/stream',
    tmpDir: tmpdir(),
    trackedPatterns: DEFAULT_TRACKED_PATTERNS,
    selfPid: process.pid,
    now: () => new Date(),
    logger: silentLogger,
    run: lazyRunProgram,
    ...overrides,
  };
}

export type { ProbeContext, Probe, ProbeResult, CommandRunner } from './types.js';
export type { ProbeRun } from './runner.js';

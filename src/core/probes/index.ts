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
import { runProbes } from './runner.js';
import { servicesProbe } from './services.js';
import { tempFilesProbe } from './temp-files.js';
import { trackedProcessesProbe } from './tracked-processes.js';
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

export { runProbes };
export { createProbeContext, lazyRunProgram } from './context.js';
export type { ProbeContext, Probe, ProbeResult, CommandRunner } from './types.js';
export type { ProbeRun } from './runner.js';

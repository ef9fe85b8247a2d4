import { hostname } from 'node:os';
import { REPORT_PROBES, runProbes } from '../probes/index.js';
import type { ProbeContext, ProbeResult } from '../probes/types.js';
import { diagnose } from './diagnosis.js';
import { readLastSample, readSamplesSince } from './health-history.js';
import { localTimestamp } from './local-time.js';
import { bootsSection, ffmpegLogsSection, healthSamplingSection, servicesSection, trendsSection } from './report-history.js';
import { diskSection, hotSection, journalSection, oomSection, tempSection } from './report-storage.js';
import { cpuSection, memorySection, systemSection, topProcessesSection, trackedSection } from './report-system.js';
import { worst, type Report } from './report-types.js';
import { aliveRuns, recordedRuns } from './alive-runs.js';
import type { TrendRules } from './trend-rules.js';
import { computeTrends } from './trends.js';
import { monotonicMs } from '../probes/monotonic.js';

export interface ReportOptions {
  logDir: string;
  memoryAlertBytes: number;
  trendRules: TrendRules;
}

/**
 * Run every probe (concurrently, each under its timeout), read the health
 * samples of the trend window, and assemble the sections in the design's order.
 * Never throws for a probe: its section says "unavailable: why".
 */
export async function buildReport(ctx: ProbeContext, options: ReportOptions): Promise<Report> {
  const started = monotonicMs();
  const now = ctx.now();
  const [runs, samples, last] = await Promise.all([
    runProbes(REPORT_PROBES, ctx),
    readSamplesSince(options.logDir, now, options.trendRules.windowMs).catch(() => []),
    readLastSample(options.logDir, now).catch(() => undefined),
  ]);
  const r = <K extends keyof typeof runs>(key: K) => runs[key].result;
  const data = <T>(result: ProbeResult<T>): T | undefined => (result.available ? result.data : undefined);
  const alive = await aliveRuns(ctx.procRoot, recordedRuns(samples).values());
  const trends = computeTrends(samples, { memoryAlertBytes: options.memoryAlertBytes, rules: options.trendRules, alive });
  const ffmpegLogs = data(r('ffmpegLogs'));
  const diagnosis = diagnose({
    hotFolders: data(r('hotFolders')),
    ffmpegNoSpaceLines: (ffmpegLogs?.logs ?? []).reduce((n, l) => n + l.counts.noSpace, 0),
    kernelOom: data(r('kernelOom')),
    oomKillsSinceBoot: data(r('vmstat'))?.oomKills,
    throttled: data(r('raspberryPi'))?.throttled,
    load: data(r('load')),
    memory: data(r('memory')),
    processes: data(r('processes')),
    trackedPids: new Set((data(r('tracked'))?.processes ?? []).map((p) => p.pid)),
    trends,
  });
  const sections = [
    systemSection(r('uptime'), r('raspberryPi')),
    memorySection(r('memory')),
    cpuSection(r('load')),
    topProcessesSection(r('processes')),
    trackedSection(r('tracked'), r('processes'), ctx.trackedPatterns, options.memoryAlertBytes),
    diskSection(r('disk')),
    hotSection(r('hotFolders'), ctx.streamRoot),
    oomSection(r('kernelOom'), r('vmstat')),
    journalSection(r('journal')),
    bootsSection(r('boots')),
    servicesSection(r('services'), r('processes'), r('hotFolders')),
    ffmpegLogsSection(r('ffmpegLogs'), ctx.tmpDir),
    tempSection(r('tempFiles')),
    healthSamplingSection(r('healthSampling'), last, now),
    trendsSection(trends, samples.length, options.trendRules),
  ];
  return {
    generatedAt: now.toISOString(),
    localTime: localTimestamp(now),
    host: hostname(),
    // Unavailable sections do not make the report fail: it completed, and says what it could not see.
    status: worst(sections.flatMap((s) => s.checks.map((c) => c.status)).filter((s) => s !== 'unavailable')),
    sections,
    trends,
    diagnosis,
    probes: Object.values(runs).map(({ name, ok, durationMs, error }) => ({ name, ok, durationMs, ...(error ? { error } : {}) })),
    durationMs: monotonicMs() - started,
  };
}

import type { HotFolder } from '../probes/hot-folders.js';
import type { KernelOomInfo } from '../probes/kernel-oom.js';
import type { LoadInfo } from '../probes/load.js';
import type { MemoryInfo } from '../probes/memory.js';
import type { ThrottleState } from '../probes/raspberry-pi.js';
import { HOT_CRITICAL_PERCENT, HOT_WARN_PERCENT } from './health-alerts.js';
import type { ProcessesInfo, ProcessSummary } from '../probes/processes.js';
import { formatMB } from '../units.js';
import { judgeLoad } from './load-level.js';
import { MEMORY_CRITICAL_PERCENT, MEMORY_WARN_PERCENT } from './report-system.js';
import type { Cause } from './report-types.js';
import { LEAK_URGENT_HOURS } from './report-history.js';
import type { Trend } from './trends.js';

/**
 * The likely causes of a struggling or crashed host, ranked. Scores order
 * the causes by how directly the evidence explains a capture failure:
 * a full tmpfs or an OOM kill is a cause, high load or a slow leak a risk.
 */

export interface DiagnosisInput {
  hotFolders?: HotFolder[];
  ffmpegNoSpaceLines: number;
  kernelOom?: KernelOomInfo;
  oomKillsSinceBoot?: number;
  throttled?: ThrottleState;
  load?: LoadInfo;
  memory?: MemoryInfo;
  /** Every process with its CPU share and RSS: who actually uses the CPU or the memory. */
  processes?: ProcessesInfo;
  /** pids of the farm's tracked processes (capture_monitor, app.py, vpt monitor, ...). */
  trackedPids?: ReadonlySet<number>;
  trends: readonly Trend[];
}

/** How many processes the evidence names. */
const EVIDENCE_PROCESSES = 3;
/** A process under this CPU share (of one core) is not worth naming as a load source. */
const NAMEABLE_CPU_PERCENT = 5;

/** Whose processes these are: the farm's (tracked, or an ffmpeg capture) or something else on the host. */
function isFarm(p: ProcessSummary, tracked: ReadonlySet<number>): boolean {
  return tracked.has(p.pid) || p.comm === 'ffmpeg';
}

function describe(p: ProcessSummary, tracked: ReadonlySet<number>, figure: string): string {
  return `${p.command || p.comm} (pid ${p.pid}, ${figure}, ${isFarm(p, tracked) ? "the farm's" : 'not a farm process'})`;
}

/** The processes measured (the probe leaves the report itself out), sorted by CPU as the probe keeps them. */
function others(input: DiagnosisInput): ProcessSummary[] {
  return [...(input.processes?.processes ?? [])];
}

/** Evidence and advice for high CPU: the processes that use it, and advice that fits whose they are. */
function cpuCause(input: DiagnosisInput, perCore: number): Pick<Cause, 'evidence' | 'nextSteps'> {
  const tracked = input.trackedPids ?? new Set<number>();
  const top = others(input)
    .filter((p) => (p.cpuPercent ?? 0) >= NAMEABLE_CPU_PERCENT)
    .slice(0, EVIDENCE_PROCESSES);
  const evidence = [`load ${input.load!.load5.toFixed(2)} over 5 min on ${input.load!.cores} core(s) (${perCore.toFixed(2)} per core)`];
  for (const p of top)
    evidence.push(`uses ${p.cpuPercent!.toFixed(0)}% CPU: ${describe(p, tracked, `RSS ${p.rssBytes === undefined ? '?' : formatMB(p.rssBytes)}`)}`);
  const captures = input.processes?.ffmpegCount ?? 0;
  const outsiders = top.filter((p) => !isFarm(p, tracked));
  const nextSteps: string[] = [];
  if (outsiders.length > 0) nextSteps.push(`stop, move or renice what is not the farm's: ${[...new Set(outsiders.map((p) => p.comm))].join(', ')}`);
  if (captures > 0) nextSteps.push(`${captures} ffmpeg capture(s) running: fewer devices per host, or a lower capture fps`);
  else if (top.length === 0)
    nextSteps.push('no process used much CPU while measured: the load may be I/O wait (D state) or short bursts; run vpt investigate again during the problem');
  if (nextSteps.length === 0) nextSteps.push('see the top CPU processes above');
  return { evidence, nextSteps };
}

function memoryCause(input: DiagnosisInput): Pick<Cause, 'evidence' | 'nextSteps'> {
  const tracked = input.trackedPids ?? new Set<number>();
  const top = others(input)
    .sort((a, b) => (b.rssBytes ?? -1) - (a.rssBytes ?? -1))
    .slice(0, EVIDENCE_PROCESSES);
  const evidence = [`${input.memory!.usedPercent.toFixed(0)}% of RAM used`];
  for (const p of top)
    if (p.rssBytes !== undefined) evidence.push(`holds ${formatMB(p.rssBytes)}: ${describe(p, tracked, `${(p.cpuPercent ?? 0).toFixed(0)}% CPU`)}`);
  const biggest = top[0];
  const nextSteps =
    biggest && !isFarm(biggest, tracked)
      ? [`the biggest is not the farm's (${biggest.comm}): stop it or cap it (MemoryMax= in its unit)`]
      : ['restart the biggest tracked process if it keeps growing, and see the memory trends below'];
  return { evidence, nextSteps };
}

export function diagnose(input: DiagnosisInput): Cause[] {
  const causes: Cause[] = [];
  const fullHot = (input.hotFolders ?? []).filter((h) => h.usage && h.usage.usedPercent > HOT_WARN_PERCENT);
  if (fullHot.length > 0 || input.ffmpegNoSpaceLines > 0) {
    const critical = fullHot.some((h) => h.usage!.usedPercent > HOT_CRITICAL_PERCENT) || input.ffmpegNoSpaceLines > 0;
    causes.push({
      cause: 'tmpfs exhaustion',
      score: critical ? 100 : 70,
      severity: critical ? 'critical' : 'warn',
      evidence: [
        ...fullHot.map((h) => `${h.name} at ${h.usage!.usedPercent}%`),
        ...(input.ffmpegNoSpaceLines > 0 ? [`${input.ffmpegNoSpaceLines} "No space left on device" line(s) in ffmpeg logs`] : []),
      ],
      nextSteps: [
        'check that the hot/cold archiver is running and moving files out of hot/',
        'size the tmpfs for the segments kept (mount option size=) or keep fewer',
      ],
    });
  }
  const kernelKills = input.kernelOom?.total ?? 0;
  const sinceBoot = input.oomKillsSinceBoot ?? 0;
  if (kernelKills > 0 || sinceBoot > 0) {
    const victims = [...new Set((input.kernelOom?.events ?? []).map((e) => e.process).filter(Boolean))];
    causes.push({
      cause: 'OOM',
      score: 95,
      severity: 'critical',
      evidence: [
        ...(kernelKills > 0 ? [`${kernelKills} OOM kill(s) in the kernel log${victims.length > 0 ? `: ${victims.join(', ')}` : ''}`] : []),
        ...(sinceBoot > 0 ? [`${sinceBoot} OOM kill(s) since boot (/proc/vmstat)`] : []),
      ],
      nextSteps: [
        'see the memory trends below for the process that grew',
        'vpt journald-limits --apply if the journal lives in RAM',
        'cap the guilty service with MemoryMax= in its unit',
      ],
    });
  }
  const flags = input.throttled?.flags;
  if (flags && Object.values(flags).some(Boolean)) {
    const now = flags.underVoltageNow || flags.throttledNow || flags.frequencyCappedNow || flags.softTempLimitNow;
    causes.push({
      cause: 'throttling',
      score: now ? 80 : 50,
      severity: now ? 'critical' : 'warn',
      evidence: [
        `vcgencmd get_throttled = 0x${input.throttled!.raw.toString(16)}`,
        ...Object.entries(flags)
          .filter(([, v]) => v)
          .map(([k]) => k),
      ],
      nextSteps:
        flags.underVoltageNow || flags.underVoltageOccurred
          ? ['use the official power supply (5.1 V / 3 A or 5 A for a Pi 5)']
          : ['improve cooling: heatsink, fan, airflow in the rack'],
    });
  }
  const load = input.load && judgeLoad(input.load);
  if (load && load.level !== 'ok') {
    const critical = load.level === 'critical';
    causes.push({ cause: 'CPU overload', score: critical ? 75 : 45, severity: critical ? 'critical' : 'warn', ...cpuCause(input, load.perCore) });
  }
  if (input.memory && input.memory.usedPercent > MEMORY_WARN_PERCENT) {
    const critical = input.memory.usedPercent > MEMORY_CRITICAL_PERCENT;
    causes.push({ cause: 'high memory', score: critical ? 85 : 55, severity: critical ? 'critical' : 'warn', ...memoryCause(input) });
  }
  // Most certain first: the highest lower bound of the growth.
  const leaks = input.trends.filter((t) => t.leak).sort((a, b) => b.lower_mb_per_hour! - a.lower_mb_per_hour!);
  if (leaks.length > 0) {
    const urgent = leaks.some((t) => t.hoursToAlert !== undefined && t.hoursToAlert < LEAK_URGENT_HOURS);
    causes.push({
      cause: 'leak trend',
      score: urgent ? 80 : 60,
      severity: urgent ? 'critical' : 'warn',
      evidence: leaks.map(
        (t) =>
          `${t.label} grows ${t.mbPerHour!.toFixed(1)} MB/hour (95% lower bound ${t.lower_mb_per_hour!.toFixed(1)}, ${t.samples} samples over ${t.spanMinutes.toFixed(0)} min)`,
      ),
      nextSteps: ['restart the process as a stopgap and report the leak with these figures', 'keep the health samples running to confirm the trend'],
    });
  }
  return causes.sort((a, b) => b.score - a.score);
}

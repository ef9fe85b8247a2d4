import type { HotFolder } from '../probes/hot-folders.js';
import type { KernelOomInfo } from '../probes/kernel-oom.js';
import type { LoadInfo } from '../probes/load.js';
import type { MemoryInfo } from '../probes/memory.js';
import type { ThrottleState } from '../probes/raspberry-pi.js';
import { HOT_CRITICAL_PERCENT, HOT_WARN_PERCENT } from './health-alerts.js';
import { LOAD_CRITICAL_PER_CORE, LOAD_WARN_PER_CORE, MEMORY_CRITICAL_PERCENT, MEMORY_WARN_PERCENT } from './report-system.js';
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
  trends: readonly Trend[];
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
      nextSteps: ['see the memory trends below for the process that grew', 'vpt journald-limits --apply if the journal lives in RAM', 'cap the guilty service with MemoryMax= in its unit'],
    });
  }
  const flags = input.throttled?.flags;
  if (flags && Object.values(flags).some(Boolean)) {
    const now = flags.underVoltageNow || flags.throttledNow || flags.frequencyCappedNow || flags.softTempLimitNow;
    causes.push({
      cause: 'throttling',
      score: now ? 80 : 50,
      severity: now ? 'critical' : 'warn',
      evidence: [`vcgencmd get_throttled = 0x${input.throttled!.raw.toString(16)}`, ...Object.entries(flags).filter(([, v]) => v).map(([k]) => k)],
      nextSteps: flags.underVoltageNow || flags.underVoltageOccurred ? ['use the official power supply (5.1 V / 3 A or 5 A for a Pi 5)'] : ['improve cooling: heatsink, fan, airflow in the rack'],
    });
  }
  if (input.load?.cores) {
    const perCore = input.load.load5 / input.load.cores;
    if (perCore > LOAD_WARN_PER_CORE) {
      causes.push({
        cause: 'CPU overload',
        score: perCore > LOAD_CRITICAL_PER_CORE ? 75 : 45,
        severity: perCore > LOAD_CRITICAL_PER_CORE ? 'critical' : 'warn',
        evidence: [`load ${input.load.load5.toFixed(2)} over 5 min on ${input.load.cores} core(s)`],
        nextSteps: ['see the top CPU processes above', 'fewer devices per host, or lower capture fps'],
      });
    }
  }
  if (input.memory && input.memory.usedPercent > MEMORY_WARN_PERCENT) {
    const critical = input.memory.usedPercent > MEMORY_CRITICAL_PERCENT;
    causes.push({
      cause: 'high memory',
      score: critical ? 85 : 55,
      severity: critical ? 'critical' : 'warn',
      evidence: [`${input.memory.usedPercent.toFixed(0)}% of RAM used`],
      nextSteps: ['see the top memory processes above', 'restart the biggest tracked process if it keeps growing'],
    });
  }
  const leaks = input.trends.filter((t) => t.leak);
  if (leaks.length > 0) {
    const urgent = leaks.some((t) => t.hoursToAlert !== undefined && t.hoursToAlert < LEAK_URGENT_HOURS);
    causes.push({
      cause: 'leak trend',
      score: urgent ? 80 : 60,
      severity: urgent ? 'critical' : 'warn',
      evidence: leaks.map((t) => `${t.label} grows ${t.mbPerHour.toFixed(1)} MB/hour (R² ${t.r2.toFixed(2)})`),
      nextSteps: ['restart the process as a stopgap and report the leak with these figures', 'keep the health samples running to confirm the trend'],
    });
  }
  return causes.sort((a, b) => b.score - a.score);
}

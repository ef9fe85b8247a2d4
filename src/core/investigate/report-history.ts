import type { BootsInfo } from '../probes/boots.js';
import type { FfmpegLog } from '../probes/ffmpeg-logs.js';
import type { HealthSamplingInfo } from '../probes/health-sampling.js';
import type { HotFolder } from '../probes/hot-folders.js';
import type { ProcessesInfo } from '../probes/processes.js';
import type { ServiceState } from '../probes/services.js';
import type { ProbeResult } from '../probes/types.js';
import { formatDuration, formatTimeSpan } from '../units.js';
import type { HealthSample } from './health-types.js';
import { unavailableCheck, type Check, type ReportSection } from './report-types.js';
import { LEAK_MIN_MB_PER_HOUR, type TrendRules } from './trend-rules.js';
import type { Trend } from './trends.js';

/** Sections about what happened over time: boots, services, ffmpeg logs, health sampling, trends. */

/** Sampling every 30 s: a newest sample older than this means the timer or cron stopped. */
export const SAMPLE_STALE_MS = 5 * 60_000;
/** A leak that reaches the alert within this many hours is critical. */
export const LEAK_URGENT_HOURS = 24;

export function bootsSection(boots: ProbeResult<BootsInfo>): ReportSection {
  if (!boots.available) return { id: 'boots', title: 'Boot history', checks: [unavailableCheck('boots', boots)], lines: [] };
  const b = boots.data;
  return {
    id: 'boots',
    title: 'Boot history',
    checks: [{ label: 'boots', status: 'ok', detail: `${b.total} recorded (${b.source})` }],
    lines: b.boots.map((x) => x.raw),
  };
}

export function servicesSection(services: ProbeResult<ServiceState[]>, processes: ProbeResult<ProcessesInfo>, hot: ProbeResult<HotFolder[]>): ReportSection {
  const checks: Check[] = services.available
    ? services.data.map((s) => ({ label: s.unit, status: s.active ? 'ok' : 'warn', detail: `${s.state} (${s.via})` }))
    : [unavailableCheck('services', services)];
  if (processes.available) {
    const devices = hot.available ? hot.data.length : 0;
    const count = processes.data.ffmpegCount;
    checks.push({
      label: 'ffmpeg processes',
      // Each capture device needs its ffmpeg: fewer means a capture died.
      status: count < devices ? 'warn' : 'ok',
      detail: `${count} running${devices > 0 ? ` for ${devices} capture device(s)` : ''}`,
    });
  } else checks.push(unavailableCheck('ffmpeg processes', processes));
  return { id: 'services', title: 'Critical services and ffmpeg', checks, lines: [] };
}

export function ffmpegLogsSection(logs: ProbeResult<{ logs: FfmpegLog[]; total: number }>, tmpDir: string): ReportSection {
  const title = 'ffmpeg logs';
  if (!logs.available) return { id: 'ffmpeg-logs', title, checks: [unavailableCheck('ffmpeg logs', logs)], lines: [] };
  const checks = logs.data.logs.map((log): Check => {
    const c = log.counts;
    const problems = [
      c.noSpace > 0 ? `${c.noSpace}x no space left on device` : '',
      c.videoDeviceMissing > 0 ? `${c.videoDeviceMissing}x video device missing` : '',
      c.audioDeviceMissing > 0 ? `${c.audioDeviceMissing}x audio device missing` : '',
      c.alsa > 0 ? `${c.alsa}x ALSA error` : '',
    ].filter(Boolean);
    return {
      label: log.file,
      status: c.noSpace > 0 ? 'critical' : problems.length > 0 ? 'warn' : 'ok',
      detail: problems.length > 0 ? problems.join(', ') : 'no known problem',
    };
  });
  const lines = logs.data.logs.flatMap((l) => l.examples.map((e) => `${l.file}: ${e}`));
  if (checks.length === 0) checks.push({ label: 'ffmpeg logs', status: 'ok', detail: `no ffmpeg_output_*.log in ${tmpDir}` });
  return { id: 'ffmpeg-logs', title, checks, lines };
}

export function healthSamplingSection(installed: ProbeResult<HealthSamplingInfo>, last: HealthSample | undefined, now: Date): ReportSection {
  const checks: Check[] = [];
  if (installed.available) {
    const how = [installed.data.systemdTimer ? 'systemd timer' : '', installed.data.cron ? 'cron' : ''].filter(Boolean);
    checks.push({
      label: 'installed',
      status: how.length > 0 ? 'ok' : 'warn',
      detail: how.length > 0 ? how.join(' and ') : 'no: run vpt investigate --install (or --install --cron)',
    });
  } else checks.push(unavailableCheck('installed', installed));
  const age = last ? now.getTime() - Date.parse(last.time) : undefined;
  checks.push({
    label: 'last sample',
    status: age !== undefined && age <= SAMPLE_STALE_MS ? 'ok' : 'warn',
    detail: last ? `${formatDuration(age!)} ago (${last.localTime}, ${last.status})` : 'none in the log dir',
  });
  return { id: 'health-sampling', title: 'Health sampling', checks, lines: [] };
}

function hours(h: number | undefined): string {
  return h === undefined ? 'n/a' : h === 0 ? 'already over' : formatDuration(h * 3_600_000);
}

const signed = (mb: number): string => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)}`;

/** One trend's line. Only a judged series has a rate; only a leak has a time to the alert. */
function trendCheck(t: Trend, rules: TrendRules): Check {
  const history = `${t.samples} samples over ${t.spanMinutes.toFixed(0)} min`;
  if (t.state === 'not enough history' || t.state === 'ended') {
    const needed = `${rules.minSamples} over ${formatTimeSpan(rules.minSpanMs)} needed${t.kind === 'process' ? `, after ${formatTimeSpan(rules.warmupMs)} of warm-up` : ''}`;
    return { label: t.label, status: 'unavailable', detail: `not enough history yet (${history}; ${needed})` };
  }
  const rate = `${signed(t.mbPerHour!)} MB/hour (95% bounds ${signed(t.lower_mb_per_hour!)} to ${signed(t.upper_mb_per_hour!)}, ${history}), now ${t.currentMB.toFixed(1)} MB`;
  if (!t.leak) return { label: t.label, status: 'ok', detail: `${rate}, no leak (lower bound not over ${LEAK_MIN_MB_PER_HOUR} MB/hour)` };
  const urgent = t.hoursToAlert !== undefined && t.hoursToAlert < LEAK_URGENT_HOURS;
  const limit = t.kind === 'process' ? 'RAM' : 'full';
  return {
    label: t.label,
    status: urgent ? 'critical' : 'warn',
    detail: `${rate}, LEAK: alert in ${hours(t.hoursToAlert)}${t.hoursToLimit === undefined ? '' : `, ${limit} in ${hours(t.hoursToLimit)}`}`,
  };
}

export function trendsSection(trends: readonly Trend[], sampleCount: number, rules: TrendRules): ReportSection {
  const title = `Memory trends (last ${formatTimeSpan(rules.windowMs)})`;
  const current = trends.filter((t) => t.state !== 'ended');
  const ended = trends.filter((t) => t.state === 'ended');
  // Ended runs are named, never judged: restarting them is no advice.
  const lines = ended.length > 0 ? [`not judged, no longer running: ${ended.map((t) => t.label).join(', ')}`] : [];
  if (current.length === 0) {
    const why = sampleCount === 0 ? 'no health sample in the window' : `${sampleCount} health sample(s), no series of a running process or hot folder`;
    return {
      id: 'trends',
      title,
      checks: [{ label: 'trends', status: 'unavailable', detail: `unavailable: ${why} (vpt investigate --install samples every 30 s)` }],
      lines,
    };
  }
  return { id: 'trends', title, checks: current.map((t) => trendCheck(t, rules)), lines };
}

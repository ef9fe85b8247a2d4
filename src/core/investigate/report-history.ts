import type { BootsInfo } from '../probes/boots.js';
import type { FfmpegLog } from '../probes/ffmpeg-logs.js';
import type { HealthSamplingInfo } from '../probes/health-sampling.js';
import type { HotFolder } from '../probes/hot-folders.js';
import type { ProcessesInfo } from '../probes/processes.js';
import type { ServiceState } from '../probes/services.js';
import type { ProbeResult } from '../probes/types.js';
import { formatDuration } from '../units.js';
import type { HealthSample } from './health-types.js';
import { unavailableCheck, type Check, type ReportSection } from './report-types.js';
import { MIN_TREND_SAMPLES, type Trend } from './trends.js';

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

export function trendsSection(trends: readonly Trend[], sampleCount: number): ReportSection {
  const title = 'Memory trends (last hour)';
  if (sampleCount < MIN_TREND_SAMPLES || trends.length === 0) {
    const why =
      sampleCount < MIN_TREND_SAMPLES ? `${sampleCount} health sample(s) in the last hour, ${MIN_TREND_SAMPLES} needed` : 'no series with enough samples';
    return {
      id: 'trends',
      title,
      checks: [{ label: 'trends', status: 'unavailable', detail: `unavailable: ${why} (vpt investigate --install samples every 30 s)` }],
      lines: [],
    };
  }
  const checks = trends.map((t): Check => {
    const urgent = t.leak && t.hoursToAlert !== undefined && t.hoursToAlert < LEAK_URGENT_HOURS;
    const limit = t.kind === 'process' ? 'RAM' : 'full';
    return {
      label: t.label,
      status: urgent ? 'critical' : t.leak ? 'warn' : 'ok',
      detail:
        `${t.mbPerHour >= 0 ? '+' : ''}${t.mbPerHour.toFixed(1)} MB/hour (R² ${t.r2.toFixed(2)}, ${t.samples} samples over ${t.spanMinutes.toFixed(1)} min), now ${t.currentMB.toFixed(1)} MB` +
        (t.leak ? `, LEAK: alert in ${hours(t.hoursToAlert)}, ${limit} in ${hours(t.hoursToLimit)}` : ''),
    };
  });
  return { id: 'trends', title, checks, lines: [] };
}

import { formatDuration, formatMB, formatSize } from '../units.js';
import type { LoadInfo } from '../probes/load.js';
import type { MemoryInfo } from '../probes/memory.js';
import type { ProcessesInfo } from '../probes/processes.js';
import type { RaspberryPiInfo } from '../probes/raspberry-pi.js';
import type { ProbeResult } from '../probes/types.js';
import type { TrackedProcess } from '../probes/tracked-processes.js';
import type { UptimeInfo } from '../probes/uptime.js';
import { judgeLoad } from './load-level.js';
import { byThreshold, unavailableCheck, type Check, type ReportSection } from './report-types.js';

/** Sections about the machine itself: uptime and Pi health, memory, CPU, processes. */

export const MEMORY_WARN_PERCENT = 80;
export const MEMORY_CRITICAL_PERCENT = 90;
/** Pi SoC temperature: the firmware soft-throttles from 80 °C (60 °C on a Pi 3B+). */
export const TEMP_WARN_C = 70;
export const TEMP_CRITICAL_C = 80;
/** Rows in the top-CPU and top-memory lists. */
export const TOP_PROCESSES = 5;

export function systemSection(uptime: ProbeResult<UptimeInfo>, pi: ProbeResult<RaspberryPiInfo>): ReportSection {
  const checks: Check[] = [];
  checks.push(
    uptime.available
      ? {
          label: 'uptime',
          status: 'ok',
          detail: `${formatDuration(uptime.data.uptimeSeconds * 1000)}${uptime.data.bootedAt ? ` (booted ${uptime.data.bootedAt})` : ''}`,
        }
      : unavailableCheck('uptime', uptime),
  );
  if (!pi.available) {
    checks.push(unavailableCheck('temperature', pi), unavailableCheck('throttling', pi));
  } else {
    const t = pi.data.temperatureC;
    checks.push(
      t === undefined
        ? { label: 'temperature', status: 'unavailable', detail: 'unavailable: no sensor' }
        : { label: 'temperature', status: byThreshold(t, TEMP_WARN_C, TEMP_CRITICAL_C), detail: `${t.toFixed(1)}°C (${pi.data.temperatureSource})` },
    );
    const th = pi.data.throttled;
    if (!th) checks.push({ label: 'throttling', status: 'unavailable', detail: `unavailable: ${pi.data.throttledUnavailable ?? 'unknown'}` });
    else {
      const now = Object.entries(th.flags)
        .filter(([k, v]) => v && k.endsWith('Now'))
        .map(([k]) => k);
      const past = Object.entries(th.flags)
        .filter(([k, v]) => v && k.endsWith('Occurred'))
        .map(([k]) => k);
      checks.push({
        label: 'throttling',
        status: now.length > 0 ? 'critical' : past.length > 0 ? 'warn' : 'ok',
        detail: `0x${th.raw.toString(16)}${now.length + past.length > 0 ? ` (${[...now, ...past].join(', ')})` : ' (none)'}`,
      });
    }
  }
  return { id: 'system', title: 'System status', checks, lines: [] };
}

export function memorySection(memory: ProbeResult<MemoryInfo>): ReportSection {
  if (!memory.available) return { id: 'memory', title: 'Memory and swap', checks: [unavailableCheck('memory', memory)], lines: [] };
  const m = memory.data;
  const checks: Check[] = [
    {
      label: 'memory',
      status: byThreshold(m.usedPercent, MEMORY_WARN_PERCENT, MEMORY_CRITICAL_PERCENT),
      detail: `${m.usedPercent.toFixed(0)}% used (${formatSize(m.usedBytes)} of ${formatSize(m.totalBytes)}, ${formatSize(m.availableBytes)} available)`,
    },
    m.swapUsedPercent === undefined
      ? { label: 'swap', status: 'ok', detail: 'no swap configured' }
      : {
          label: 'swap',
          status: byThreshold(m.swapUsedPercent, MEMORY_WARN_PERCENT, MEMORY_CRITICAL_PERCENT),
          detail: `${m.swapUsedPercent.toFixed(0)}% used (${formatSize(m.swapUsedBytes)} of ${formatSize(m.swapTotalBytes)})`,
        },
  ];
  return { id: 'memory', title: 'Memory and swap', checks, lines: [] };
}

export function cpuSection(load: ProbeResult<LoadInfo>): ReportSection {
  if (!load.available) return { id: 'cpu', title: 'CPU load', checks: [unavailableCheck('load', load)], lines: [] };
  const l = load.data;
  // Unknown cores: judged as one, the cautious reading.
  const { perCore, level } = judgeLoad({ load5: l.load5, cores: l.cores ?? 1 })!;
  return {
    id: 'cpu',
    title: 'CPU load',
    checks: [
      {
        label: 'load',
        status: level,
        detail: `${l.load1.toFixed(2)} ${l.load5.toFixed(2)} ${l.load15.toFixed(2)} on ${l.cores ?? 'unknown'} core(s) (${perCore.toFixed(2)} per core over 5 min)`,
      },
    ],
    lines: [],
  };
}

export function topProcessesSection(processes: ProbeResult<ProcessesInfo>): ReportSection {
  if (!processes.available) return { id: 'top', title: 'Top processes', checks: [unavailableCheck('processes', processes)], lines: [] };
  const p = processes.data;
  const row = (x: ProcessesInfo['processes'][number]) =>
    `${String(x.pid).padStart(7)}  ${(x.cpuPercent === undefined ? '-' : `${x.cpuPercent.toFixed(1)}%`).padStart(7)}  ${(x.rssBytes === undefined ? '-' : formatMB(x.rssBytes)).padStart(9)}  ${x.command}`;
  const byRss = [...p.processes].sort((a, b) => (b.rssBytes ?? -1) - (a.rssBytes ?? -1));
  return {
    id: 'top',
    title: 'Top processes',
    checks: [{ label: 'processes', status: 'ok', detail: `${p.count} running, CPU measured over ${p.windowMs} ms` }],
    lines: [
      'by CPU:     pid      cpu        rss  command',
      ...p.processes.slice(0, TOP_PROCESSES).map(row),
      'by memory:  pid      cpu        rss  command',
      ...byRss.slice(0, TOP_PROCESSES).map(row),
    ],
  };
}

export function trackedSection(
  tracked: ProbeResult<{ processes: TrackedProcess[]; truncated: boolean }>,
  processes: ProbeResult<ProcessesInfo>,
  patterns: readonly string[],
  memoryAlertBytes: number,
): ReportSection {
  const title = 'Tracked processes';
  if (!tracked.available) return { id: 'tracked', title, checks: [unavailableCheck('tracked', tracked)], lines: [] };
  const cpu = new Map((processes.available ? processes.data.processes : []).map((p) => [p.pid, p.cpuPercent]));
  const checks: Check[] = tracked.data.processes.map((p) => {
    const c = cpu.get(p.pid);
    return {
      label: `${p.name} (pid ${p.pid})`,
      status: p.rssBytes !== undefined && p.rssBytes > memoryAlertBytes ? 'warn' : 'ok',
      detail: `RSS ${p.rssBytes === undefined ? 'unknown' : formatMB(p.rssBytes)}, CPU ${c === undefined ? 'unknown' : `${c.toFixed(1)}%`}${p.startedAt ? `, started ${p.startedAt}` : ''}`,
    };
  });
  const missing = patterns.filter((pattern) => !tracked.data.processes.some((p) => p.pattern === pattern));
  // A farm host runs at least one of them; none at all means capture is not being monitored.
  if (checks.length === 0) checks.push({ label: 'tracked processes', status: 'warn', detail: `none running (patterns: ${patterns.join(', ')})` });
  return { id: 'tracked', title, checks, lines: missing.length > 0 ? [`not running: ${missing.join(', ')}`] : [] };
}

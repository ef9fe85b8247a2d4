import { formatSize } from '../units.js';
import { HOT_CRITICAL_PERCENT, HOT_WARN_PERCENT } from './health-alerts.js';
import { LOAD_CRITICAL_PER_CORE, LOAD_WARN_PER_CORE } from './load-level.js';
import type { HealthSample } from './health-types.js';

/**
 * One Nagios plugin status line (monitoring-plugins guidelines):
 * `VPT HEALTH <STATE> - <summary> | 'label'=value[UOM];warn;crit;min;max ...`
 * so the sample drops into Icinga, Nagios or monit unchanged.
 */

/** Perfdata labels may not contain `'` or `=`; spaces are fine inside the quotes. */
export function perfLabel(text: string): string {
  return `'${text.replace(/['=]/g, '_')}'`;
}

type PerfValue = number | string;
function perf(label: string, value: PerfValue, uom = '', warn: PerfValue = '', crit: PerfValue = '', min: PerfValue = '', max: PerfValue = ''): string {
  return `${perfLabel(label)}=${value}${uom};${warn};${crit};${min};${max}`;
}

export function formatNagiosLine(sample: HealthSample, memoryAlertBytes: number): string {
  const summary =
    sample.alerts.length > 0
      ? sample.alerts.map((a) => a.short).join(', ')
      : sample.status === 'UNKNOWN'
        ? `cannot read ${Object.keys(sample.unavailable).join(', ')}`
        : okSummary(sample);
  const data: string[] = [];
  if (sample.load) data.push(perf('load1', sample.load.load1, '', '', '', 0));
  // The report's high-load rule as Nagios thresholds, so Icinga judges load as the report does.
  if (sample.load?.cores)
    data.push(perf('load5', sample.load.load5, '', sample.load.cores * LOAD_WARN_PER_CORE, sample.load.cores * LOAD_CRITICAL_PER_CORE, 0));
  if (sample.memory) data.push(perf('mem_used', Math.round(sample.memory.usedPercent), '%', '', '', 0, 100));
  if (sample.disk) data.push(perf('disk_root', sample.disk.usedPercent, '%', '', '', 0, 100));
  for (const hot of sample.hotFolders) {
    if (hot.usedPercent !== undefined) data.push(perf(`${hot.device}_hot`, hot.usedPercent, '%', HOT_WARN_PERCENT, HOT_CRITICAL_PERCENT, 0, 100));
  }
  const names = sample.processes.map((p) => p.name);
  for (const proc of sample.processes) {
    if (proc.rssBytes === undefined) continue;
    // Two instances of one script need distinct labels.
    const label = names.filter((n) => n === proc.name).length > 1 ? `${proc.name}_${proc.pid}_rss` : `${proc.name}_rss`;
    data.push(perf(label, proc.rssBytes, 'B', memoryAlertBytes, '', 0, sample.memory?.totalBytes ?? ''));
  }
  if (sample.journal) data.push(perf('journal_ram', sample.journal.runtimeBytes, 'B', sample.journal.runtimeLimitBytes ?? '', '', 0));
  if (sample.tmp) data.push(perf('tmp', sample.tmp.bytes, 'B', '', '', 0));
  if (sample.oomKillCounter !== undefined) data.push(perf('oom_kills', sample.oomKillCounter, 'c', '', '', 0));
  return `VPT HEALTH ${sample.status} - ${summary}${data.length > 0 ? ` | ${data.join(' ')}` : ''}`;
}

function okSummary(sample: HealthSample): string {
  const parts: string[] = [];
  if (sample.load) parts.push(`load ${sample.load.load1.toFixed(2)}`);
  if (sample.memory) parts.push(`mem ${formatSize(sample.memory.usedBytes)}/${formatSize(sample.memory.totalBytes)}`);
  if (sample.disk) parts.push(`disk ${sample.disk.usedPercent}%`);
  parts.push(`${sample.hotFolders.length} hot folder(s)`, `${sample.processes.length} tracked process(es)`);
  return parts.join(', ');
}

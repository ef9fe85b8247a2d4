import { describeWalkedSize } from '../probes/folder-size.js';
import { formatMB, formatSize } from '../units.js';
import type { HealthAlert, HealthSample } from './health-types.js';

/**
 * The health log text, byte for byte the format the old shell sampler wrote
 * (dashboards and greps read it): every line starts with the local
 * `[YYYY-MM-DD HH:MM:SS]`, alert lines carry `⚠️  ALERT: `.
 */

export const ALERT_PREFIX = '⚠️  ALERT: ';

/** Hot folder alerts close the HOT FOLDERS block; every other alert closes MEMORY LEAK TRACKING. */
function sectionOf(alert: HealthAlert): 'hot' | 'memory' {
  return alert.key.startsWith('hot:') ? 'hot' : 'memory';
}

export function formatHealthLog(sample: HealthSample): string {
  const lines: string[] = [];
  const add = (text: string): void => void lines.push(`[${sample.localTime}] ${text}`);
  const load = sample.load ? sample.load.load1.toFixed(2) : 'unknown';
  const mem = sample.memory ? `${formatSize(sample.memory.usedBytes)}/${formatSize(sample.memory.totalBytes)}` : 'unknown';
  add(`Load: ${load} | Mem: ${mem}`);
  add(
    sample.disk
      ? `Global Disk: ${sample.disk.usedPercent}% used, ${formatSize(sample.disk.availableBytes)} free`
      : `Global Disk: unknown (${sample.unavailable.disk ?? 'not measured'})`,
  );
  add('HOT FOLDERS:');
  if (sample.hotFolders.length === 0) add('  none found');
  for (const hot of sample.hotFolders) {
    add(
      hot.usedPercent === undefined
        ? `  ${hot.name}: unknown (${hot.error ?? 'not measured'})`
        : `  ${hot.name}: ${hot.usedPercent}% (${formatSize(hot.usedBytes!)}/${formatSize(hot.sizeBytes!)})`,
    );
  }
  for (const alert of sample.alerts.filter((a) => sectionOf(a) === 'hot')) add(`  ${ALERT_PREFIX}${alert.message}`);
  add('MEMORY LEAK TRACKING:');
  for (const proc of sample.processes) {
    if (proc.rssBytes === undefined) continue;
    const percent = proc.memPercent === undefined ? '' : ` (${proc.memPercent.toFixed(1)}%)`;
    add(`  ${proc.name}: ${formatMB(proc.rssBytes)}${percent}`);
  }
  add(`  Journal RAM: ${sample.journal ? formatSize(sample.journal.runtimeBytes) : 'unknown'}`);
  const tmp = sample.tmp;
  add(`  /tmp size: ${tmp ? describeWalkedSize({ bytes: tmp.bytes, complete: tmp.complete, entries: tmp.walk_stopped_at ?? 0 }) : 'unknown'}`);
  for (const cache of sample.cacheDirs ?? []) add(`  Cache ${cache.path}: ${formatSize(cache.bytes)}${cache.complete ? '' : '+'}`);
  for (const alert of sample.alerts.filter((a) => sectionOf(a) === 'memory')) add(`  ${ALERT_PREFIX}${alert.message}`);
  return `${lines.join('\n')}\n`;
}

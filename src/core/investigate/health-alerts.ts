import { CACHE_GROWTH_ALERT_BYTES } from '../probes/cache-dirs.js';
import { formatSize } from '../units.js';
import type { HealthAlert, HealthSample, NagiosState } from './health-types.js';

/** Hot folder thresholds (docs/design.md): warn over 80%, critical over 90%. */
export const HOT_WARN_PERCENT = 80;
export const HOT_CRITICAL_PERCENT = 90;
/** Never more debounce counters than this in the state file, whatever the host runs. */
export const MAX_DEBOUNCE_KEYS = 256;

export interface AlertThresholds {
  memoryAlertBytes: number;
}

type SampleBody = Omit<HealthSample, 'alerts' | 'pending' | 'status'>;

/** `1G` -> `1GB`: the wording the old alert lines used. */
export function sizeWord(bytes: number): string {
  return `${formatSize(bytes)}B`;
}

/** Every condition over its threshold in this sample, before debouncing. */
export function evaluateConditions(sample: SampleBody, thresholds: AlertThresholds): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  for (const hot of sample.hotFolders) {
    if (hot.usedPercent === undefined || hot.usedPercent <= HOT_WARN_PERCENT) continue;
    alerts.push({
      key: `hot:${hot.device}`,
      severity: hot.usedPercent > HOT_CRITICAL_PERCENT ? 'critical' : 'warning',
      message: `${hot.name} at ${hot.usedPercent}% - FFmpeg may fail!`,
      short: `${hot.name} ${hot.usedPercent}%`,
    });
  }
  for (const proc of sample.processes) {
    if (proc.rssBytes === undefined || proc.rssBytes <= thresholds.memoryAlertBytes) continue;
    alerts.push({
      key: `process:${proc.pid}:${proc.startTicks}`,
      severity: 'warning',
      message: `${proc.name} exceeds ${sizeWord(thresholds.memoryAlertBytes)}! Possible memory leak!`,
      short: `${proc.name} ${formatSize(proc.rssBytes)} > ${formatSize(thresholds.memoryAlertBytes)}`,
    });
  }
  const journal = sample.journal;
  if (journal?.runtimeLimitBytes !== undefined && journal.runtimeBytes > journal.runtimeLimitBytes) {
    alerts.push({
      key: 'journal-ram',
      severity: 'warning',
      message: `Journal RAM ${formatSize(journal.runtimeBytes)} exceeds its limit ${formatSize(journal.runtimeLimitBytes)}! Run vpt journald-limits --apply`,
      short: `journal RAM ${formatSize(journal.runtimeBytes)} > ${formatSize(journal.runtimeLimitBytes)}`,
    });
  }
  if (sample.tmp && sample.tmp.leftoverFiles > 0) {
    alerts.push({
      key: 'tmp-leftovers',
      severity: 'warning',
      message: `${sample.tmp.leftoverFiles} leftover audio temp file(s) in ${sample.tmp.dir} (${formatSize(sample.tmp.leftoverBytes)}) - run vpt tmp-clean`,
      short: `${sample.tmp.leftoverFiles} leftover temp file(s)`,
    });
  }
  for (const cache of sample.cacheDirs ?? []) {
    if (cache.grownBytes === undefined || cache.grownBytes < CACHE_GROWTH_ALERT_BYTES) continue;
    alerts.push({
      key: `cache:${cache.path}`,
      severity: 'warning',
      message: `${cache.path} grew ${formatSize(cache.grownBytes)} since the last sample (now ${formatSize(cache.bytes)})`,
      short: `${cache.path} +${formatSize(cache.grownBytes)}`,
    });
  }
  if (sample.oomKillsSinceLast !== undefined && sample.oomKillsSinceLast > 0) {
    alerts.push({
      key: 'oom',
      severity: 'critical',
      message: `OOM killer fired ${sample.oomKillsSinceLast} time(s) since the last sample!`,
      short: `${sample.oomKillsSinceLast} OOM kill(s)`,
    });
  }
  return alerts;
}

/** OOM kills are events, not levels: they fire at once, whatever --for says. */
const NOT_DEBOUNCED = new Set(['oom']);

/**
 * monit's "for N cycles": a condition alerts only once it has held for N
 * consecutive samples. Counters of conditions that cleared are dropped.
 */
export function debounce(
  conditions: readonly HealthAlert[],
  previous: Record<string, number>,
  forSamples: number,
): { fired: HealthAlert[]; counters: Record<string, number>; pending: Record<string, number> } {
  const counters: Record<string, number> = {};
  const pending: Record<string, number> = {};
  const fired: HealthAlert[] = [];
  for (const alert of conditions.slice(0, MAX_DEBOUNCE_KEYS)) {
    const count = (previous[alert.key] ?? 0) + 1;
    counters[alert.key] = count;
    if (NOT_DEBOUNCED.has(alert.key) || count >= forSamples) fired.push(alert);
    else pending[alert.key] = count;
  }
  return { fired, counters, pending };
}

/** Worst state wins; UNKNOWN (a core reading failed) only when nothing is worse. */
export function nagiosState(fired: readonly HealthAlert[], coreUnavailable: boolean): NagiosState {
  if (fired.some((a) => a.severity === 'critical')) return 'CRITICAL';
  if (fired.some((a) => a.severity === 'warning')) return 'WARNING';
  return coreUnavailable ? 'UNKNOWN' : 'OK';
}

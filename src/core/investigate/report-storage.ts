import type { DiskInfo } from '../probes/disk.js';
import type { HotFolder } from '../probes/hot-folders.js';
import type { JournalInfo } from '../probes/journal.js';
import type { KernelOomInfo } from '../probes/kernel-oom.js';
import type { TempFilesInfo } from '../probes/temp-files.js';
import type { ProbeResult } from '../probes/types.js';
import { describeDirUsage } from '../journald/usage.js';
import { describeWalkedSize } from '../probes/folder-size.js';
import { formatSize } from '../units.js';
import { HOT_CRITICAL_PERCENT, HOT_WARN_PERCENT } from './health-alerts.js';
import { byThreshold, unavailableCheck, type Check, type ReportSection } from './report-types.js';

/** Sections about space: the root disk, the hot tmpfs folders, the journal, /tmp; and OOM kills. */

export const DISK_WARN_PERCENT = 80;
export const DISK_CRITICAL_PERCENT = 90;
/** The newest OOM kills listed in the report. */
export const OOM_LINES = 5;

export function diskSection(disk: ProbeResult<DiskInfo>): ReportSection {
  const check: Check = disk.available
    ? {
        label: '/',
        status: byThreshold(disk.data.usedPercent, DISK_WARN_PERCENT, DISK_CRITICAL_PERCENT),
        detail: `${disk.data.usedPercent}% used, ${formatSize(disk.data.availableBytes)} free of ${formatSize(disk.data.sizeBytes)}`,
      }
    : unavailableCheck('/', disk);
  return { id: 'disk', title: 'Disk usage', checks: [check], lines: [] };
}

export function hotSection(hot: ProbeResult<HotFolder[]>, streamRoot: string): ReportSection {
  const title = 'Hot folders (tmpfs)';
  if (!hot.available) return { id: 'hot', title, checks: [unavailableCheck('hot folders', hot)], lines: [] };
  const checks = hot.data.map((h): Check => {
    if (!h.usage) return { label: h.name, status: 'unavailable', detail: `unavailable: ${h.error ?? 'statfs failed'}` };
    const notTmpfs = h.fstype !== undefined && h.fstype !== 'tmpfs';
    const status = byThreshold(h.usage.usedPercent, HOT_WARN_PERCENT, HOT_CRITICAL_PERCENT);
    return {
      label: h.name,
      // A hot folder on the SD card wears it out and defeats RAM mode.
      status: status === 'ok' && notTmpfs ? 'warn' : status,
      detail: `${h.usage.usedPercent}% (${formatSize(h.usage.usedBytes)}/${formatSize(h.usage.sizeBytes)})${notTmpfs ? `, on ${h.fstype}, not a tmpfs` : ''}`,
    };
  });
  // Without hot/ folders the captures write straight to cold storage (no RAM mode): nothing to fill up.
  if (checks.length === 0) checks.push({ label: 'hot folders', status: 'ok', detail: `none under ${streamRoot} (no RAM mode)` });
  return { id: 'hot', title, checks, lines: [] };
}

export function oomSection(kernel: ProbeResult<KernelOomInfo>, vmstat: ProbeResult<{ oomKills: number }>): ReportSection {
  const checks: Check[] = [];
  const lines: string[] = [];
  if (kernel.available) {
    const k = kernel.data;
    checks.push({ label: 'kernel log', status: k.total > 0 ? 'critical' : 'ok', detail: `${k.total} OOM kill(s) in ${k.source}` });
    for (const e of k.events.slice(-OOM_LINES)) {
      lines.push(
        `${e.when || '?'}  killed ${e.process ?? '?'} (pid ${e.pid ?? '?'})${e.anonRssBytes === undefined ? '' : ` using ${formatSize(e.anonRssBytes)}`}`,
      );
    }
  } else checks.push(unavailableCheck('kernel log', kernel));
  checks.push(
    vmstat.available
      ? { label: 'since boot', status: vmstat.data.oomKills > 0 ? 'critical' : 'ok', detail: `${vmstat.data.oomKills} OOM kill(s) (/proc/vmstat)` }
      : unavailableCheck('since boot', vmstat),
  );
  return { id: 'oom', title: 'OOM-killer events', checks, lines };
}

export function journalSection(journal: ProbeResult<JournalInfo>): ReportSection {
  const title = 'Journal';
  if (!journal.available) return { id: 'journal', title, checks: [unavailableCheck('journal', journal)], lines: [] };
  const j = journal.data;
  const over = j.runtimeLimitBytes !== undefined && (j.runtime.bytes ?? 0) > j.runtimeLimitBytes;
  return {
    id: 'journal',
    title,
    checks: [
      { label: 'storage', status: 'ok', detail: `Storage=${j.storage} (${j.persistentEffective ? 'persistent, /var/log/journal' : 'volatile, in RAM'})` },
      {
        label: 'RAM (/run/log/journal)',
        status: over ? 'warn' : 'ok',
        detail: `${describeDirUsage(j.runtime)}${j.runtimeLimitBytes === undefined ? '' : `, ${formatSize(j.runtimeLimitBytes)} allowed by ${j.runtimeLimitSource}`}`,
      },
      { label: 'disk (/var/log/journal)', status: 'ok', detail: describeDirUsage(j.persistent) },
    ],
    lines: over ? ['the journal in RAM is over its limit: vpt journald-limits --apply'] : [],
  };
}

export function tempSection(temp: ProbeResult<TempFilesInfo>): ReportSection {
  const title = 'Temp files';
  if (!temp.available) return { id: 'temp', title, checks: [unavailableCheck('temp', temp)], lines: [] };
  const t = temp.data;
  return {
    id: 'temp',
    title,
    checks: [
      {
        label: `${t.dir} size`,
        status: 'ok',
        detail: t.sizeSource === 'statfs' ? `${formatSize(t.size.bytes)} used (its own filesystem)` : `${describeWalkedSize(t.size)} (${t.size.files} file(s))`,
      },
      {
        label: 'leftover audio temp files',
        status: t.leftovers.count > 0 ? 'warn' : 'ok',
        detail: t.leftovers.count > 0 ? `${t.leftovers.count} (${formatSize(t.leftovers.bytes)}): run vpt tmp-clean` : 'none',
      },
    ],
    lines: t.leftovers.examples,
  };
}

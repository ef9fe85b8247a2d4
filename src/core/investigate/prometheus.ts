import type { HealthSample, NagiosState } from './health-types.js';
import { NAGIOS_EXIT } from './health-types.js';

/**
 * The sample as Prometheus text exposition format 0.0.4, for node_exporter's
 * textfile collector: one HELP and one TYPE line per family, then its samples.
 */

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels?: Record<string, string>; value: number }[];
}

/** Label values escape backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function renderMetrics(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const text = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
      out.push(`${family.name}${text} ${formatValue(sample.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const one = (value: number | undefined, labels?: Record<string, string>): MetricFamily['samples'] => (value === undefined ? [] : [{ labels, value }]);

export function sampleMetrics(sample: HealthSample): MetricFamily[] {
  const state: NagiosState = sample.status;
  const m = sample.memory;
  return [
    {
      name: 'vpt_health_status',
      help: 'Nagios state of the last health sample: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
      type: 'gauge',
      samples: one(NAGIOS_EXIT[state]),
    },
    {
      name: 'vpt_health_last_sample_timestamp_seconds',
      help: 'When the last health sample was taken.',
      type: 'gauge',
      samples: one(Date.parse(sample.time) / 1000),
    },
    { name: 'vpt_health_sample_duration_seconds', help: 'How long the last health sample took.', type: 'gauge', samples: one(sample.durationMs / 1000) },
    {
      name: 'vpt_load_average',
      help: 'System load average over the window.',
      type: 'gauge',
      samples: sample.load
        ? [
            { labels: { window: '1m' }, value: sample.load.load1 },
            { labels: { window: '5m' }, value: sample.load.load5 },
            { labels: { window: '15m' }, value: sample.load.load15 },
          ]
        : [],
    },
    { name: 'vpt_cpus', help: 'Online CPUs.', type: 'gauge', samples: one(sample.load?.cores) },
    { name: 'vpt_memory_total_bytes', help: 'MemTotal from /proc/meminfo.', type: 'gauge', samples: one(m?.totalBytes) },
    { name: 'vpt_memory_available_bytes', help: 'MemAvailable from /proc/meminfo.', type: 'gauge', samples: one(m?.availableBytes) },
    { name: 'vpt_swap_total_bytes', help: 'SwapTotal from /proc/meminfo.', type: 'gauge', samples: one(m?.swapTotalBytes) },
    { name: 'vpt_swap_used_bytes', help: 'Swap in use.', type: 'gauge', samples: one(m?.swapUsedBytes) },
    { name: 'vpt_filesystem_size_bytes', help: 'Size of the root filesystem.', type: 'gauge', samples: one(sample.disk?.sizeBytes, { mountpoint: '/' }) },
    {
      name: 'vpt_filesystem_avail_bytes',
      help: 'Space on the root filesystem available to unprivileged users.',
      type: 'gauge',
      samples: one(sample.disk?.availableBytes, { mountpoint: '/' }),
    },
    {
      name: 'vpt_tmpfs_used_ratio',
      help: 'Used share (0-1, df style) of each capture hot folder filesystem.',
      type: 'gauge',
      samples: sample.hotFolders.flatMap((h) => one(h.usedPercent === undefined ? undefined : h.usedPercent / 100, { device: h.device })),
    },
    {
      name: 'vpt_tmpfs_used_bytes',
      help: 'Bytes used in each capture hot folder filesystem.',
      type: 'gauge',
      samples: sample.hotFolders.flatMap((h) => one(h.usedBytes, { device: h.device })),
    },
    {
      name: 'vpt_tmpfs_size_bytes',
      help: 'Size of each capture hot folder filesystem.',
      type: 'gauge',
      samples: sample.hotFolders.flatMap((h) => one(h.sizeBytes, { device: h.device })),
    },
    {
      name: 'vpt_process_resident_memory_bytes',
      help: 'Resident memory (VmRSS) of each tracked process.',
      type: 'gauge',
      samples: sample.processes.flatMap((p) => one(p.rssBytes, { name: p.name, pid: String(p.pid) })),
    },
    {
      name: 'vpt_process_start_time_seconds',
      help: 'Start time of each tracked process since the epoch.',
      type: 'gauge',
      samples: sample.processes.flatMap((p) =>
        one(p.startedAt === undefined ? undefined : Date.parse(p.startedAt) / 1000, { name: p.name, pid: String(p.pid) }),
      ),
    },
    {
      name: 'vpt_journal_bytes',
      help: 'Disk usage of the systemd journal: runtime is RAM (/run/log/journal), persistent is /var/log/journal.',
      type: 'gauge',
      samples: sample.journal
        ? [
            { labels: { storage: 'runtime' }, value: sample.journal.runtimeBytes },
            { labels: { storage: 'persistent' }, value: sample.journal.persistentBytes },
          ]
        : [],
    },
    {
      name: 'vpt_journal_runtime_limit_bytes',
      help: 'The RuntimeMaxUse limit in effect for the journal in RAM.',
      type: 'gauge',
      samples: one(sample.journal?.runtimeLimitBytes),
    },
    { name: 'vpt_tmp_bytes', help: 'Disk usage of the temp folder.', type: 'gauge', samples: one(sample.tmp?.bytes) },
    {
      name: 'vpt_tmp_leftover_files',
      help: 'Leftover audio-check and concat temp files older than 10 minutes.',
      type: 'gauge',
      samples: one(sample.tmp?.leftoverFiles),
    },
    {
      name: 'vpt_cache_dir_bytes',
      help: "Disk usage of each followed cache folder (--cache-dirs, default the tracked scripts' __pycache__).",
      type: 'gauge',
      samples: (sample.cacheDirs ?? []).map((c) => ({ labels: { path: c.path }, value: c.bytes })),
    },
    {
      name: 'vpt_oom_kills_total',
      help: 'Processes killed by the kernel OOM killer since boot (/proc/vmstat oom_kill).',
      type: 'counter',
      samples: one(sample.oomKillCounter),
    },
    {
      name: 'vpt_alerts',
      help: 'Alerts raised by the last health sample, by severity.',
      type: 'gauge',
      samples: (['warning', 'critical'] as const).map((severity) => ({
        labels: { severity },
        value: sample.alerts.filter((a) => a.severity === severity).length,
      })),
    },
  ];
}

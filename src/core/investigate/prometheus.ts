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

/**
 * One series per process name, never per pid: a pid label made a new series at every restart
 * (issue 25), which no alert rule can follow. Two processes with one name (a capture script per
 * device) are combined; vpt_process_info keeps their pids.
 */
function byName(
  sample: HealthSample,
  value: (p: HealthSample['processes'][number]) => number | undefined,
  combine: (a: number, b: number) => number,
): MetricFamily['samples'] {
  const values = new Map<string, number>();
  for (const p of sample.processes) {
    const v = value(p);
    if (v === undefined) continue;
    const before = values.get(p.name);
    values.set(p.name, before === undefined ? v : combine(before, v));
  }
  return [...values].map(([name, v]) => ({ labels: { name }, value: v }));
}

/**
 * Host figures node_exporter already exports (load, CPUs, memory, swap, filesystems) are not
 * repeated here: node_load5, node_memory_MemAvailable_bytes, node_filesystem_avail_bytes...
 * (docs/fleet.md). What is left is what only vpt knows.
 */
export function sampleMetrics(sample: HealthSample): MetricFamily[] {
  const state: NagiosState = sample.status;
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
      help: 'Resident memory (VmRSS) of the tracked processes by name; processes sharing a name are summed.',
      type: 'gauge',
      samples: byName(
        sample,
        (p) => p.rssBytes,
        (a, b) => a + b,
      ),
    },
    {
      name: 'vpt_process_start_time_seconds',
      help: 'Start time of the newest tracked process of each name, since the epoch.',
      type: 'gauge',
      samples: byName(sample, (p) => (p.startedAt === undefined ? undefined : Date.parse(p.startedAt) / 1000), Math.max),
    },
    {
      name: 'vpt_process_info',
      help: 'Always 1: the pid of each tracked process, to join on when the pid matters.',
      type: 'gauge',
      samples: sample.processes.map((p) => ({ labels: { name: p.name, pid: String(p.pid) }, value: 1 })),
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
    {
      name: 'vpt_tmp_bytes',
      help: 'Disk usage of the temp folder; a lower bound when vpt_tmp_walk_truncated is 1.',
      type: 'gauge',
      samples: one(sample.tmp?.bytes),
    },
    {
      name: 'vpt_tmp_walk_truncated',
      help: 'Whether the bounded walk of the temp folder stopped early (1): vpt_tmp_bytes is then at least that much.',
      type: 'gauge',
      samples: one(sample.tmp === undefined ? undefined : sample.tmp.complete ? 0 : 1),
    },
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

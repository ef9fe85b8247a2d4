import type { LoadLevel } from './load-level.js';

/** One health sample as written to health_YYYYMMDD.jsonl (one JSON object per line). Unknown values are absent. */

export type Severity = 'warning' | 'critical';
export type NagiosState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

export const NAGIOS_EXIT: Record<NagiosState, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export interface HealthAlert {
  /** Stable identity for debouncing: `hot:capture2`, `process:1234:98765`, `journal-ram`, ... */
  key: string;
  severity: Severity;
  /** The text after `⚠️  ALERT: ` in the health log. */
  message: string;
  /** Short form for the Nagios status line: `capture2/hot 93%`. */
  short: string;
}

export interface SampleProcess {
  name: string;
  pattern: string;
  pid: number;
  /** /proc/<pid>/stat starttime in clock ticks: with pid, the identity of one process run. */
  startTicks: number;
  startedAt?: string;
  rssBytes?: number;
  memPercent?: number;
}

export interface SampleHotFolder {
  device: string;
  name: string;
  usedPercent?: number;
  usedBytes?: number;
  sizeBytes?: number;
  fstype?: string;
  error?: string;
}

export interface HealthSample {
  version: 1;
  /** ISO time of the sample (UTC). */
  time: string;
  /** Local time as the text log shows it. */
  localTime: string;
  host: string;
  /** level: the report's rule for high load (load-level.ts); recorded, not alerted on (load alone does not stop a capture). */
  load?: { load1: number; load5: number; load15: number; cores?: number; level?: LoadLevel };
  memory?: { totalBytes: number; availableBytes: number; usedBytes: number; usedPercent: number; swapTotalBytes: number; swapUsedBytes: number };
  disk?: { path: string; usedPercent: number; sizeBytes: number; availableBytes: number };
  hotFolders: SampleHotFolder[];
  processes: SampleProcess[];
  journal?: { runtimeBytes: number; persistentBytes: number; runtimeLimitBytes?: number; complete: boolean };
  /** walk_stopped_at: entries walked when a bound cut the walk (complete false); bytes is then a lower bound. */
  tmp?: { dir: string; bytes: number; complete: boolean; walk_stopped_at?: number; leftoverFiles: number; leftoverBytes: number };
  /** Cache folders followed (--cache-dirs); grownBytes is the change since the previous sample. Absent in samples before 0.2. */
  cacheDirs?: { path: string; bytes: number; complete: boolean; grownBytes?: number }[];
  /** The kernel's oom_kill counter (since boot). */
  oomKillCounter?: number;
  /** Kills since the previous sample; absent on the first sample. */
  oomKillsSinceLast?: number;
  alerts: HealthAlert[];
  /** Conditions over a threshold that --for has not let through yet: key -> consecutive samples. */
  pending: Record<string, number>;
  status: NagiosState;
  /** Probes that could not run: name -> why. */
  unavailable: Record<string, string>;
  durationMs: number;
}

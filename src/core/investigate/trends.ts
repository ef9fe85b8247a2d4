import { HOT_CRITICAL_PERCENT } from './health-alerts.js';
import type { HealthSample } from './health-types.js';
import { fitSlope } from './slope-fit.js';
import { LEAK_MIN_MB_PER_HOUR, type TrendRules } from './trend-rules.js';

/**
 * Memory and tmpfs growth from the recorded health samples. A series is one process run (pid +
 * start time: a restart or a reused pid starts a new one) or one hot folder. A series is judged
 * only with enough history (trend-rules.ts), a process only while it still runs; then the slope
 * comes with its confidence bounds (slope-fit.ts) and a leak is called only when the lower bound
 * is over LEAK_MIN_MB_PER_HOUR. Only a called leak gets a time to the alert and to the limit.
 */

/** Series per report, whatever the history holds (each has its own process or folder). */
export const MAX_TREND_SERIES = 128;

const MB = 1024 * 1024;
const HOUR_MS = 3_600_000;

/** leak / steady: judged. The other two carry no rate at all. */
export type TrendState = 'leak' | 'steady' | 'not enough history' | 'ended';

export interface Trend {
  kind: 'process' | 'tmpfs';
  /** `capture_monitor.py (pid 1234)` or `capture2/hot`. */
  label: string;
  /** `pid:startTicks` of a process run, the device of a hot folder. */
  key: string;
  state: TrendState;
  /** Usable samples (after the warm-up) and the minutes they span. */
  samples: number;
  spanMinutes: number;
  currentMB: number;
  /** Least-squares slope and its one-sided 95% bounds; only for a judged series. */
  mbPerHour?: number;
  lower_mb_per_hour?: number;
  upper_mb_per_hour?: number;
  /** state === 'leak'. */
  leak: boolean;
  /** Only for a leak: hours until the alert threshold (--memory-alert, or 90% of a tmpfs); 0 when already over. */
  hoursToAlert?: number;
  /** Only for a leak: hours until total RAM (process) or a full tmpfs. */
  hoursToLimit?: number;
}

interface Point {
  t: number;
  bytes: number;
}

interface Series {
  kind: Trend['kind'];
  label: string;
  points: Point[];
  /** Where the warm-up is counted from: the process's start, else its first sample. */
  startMs?: number;
  alertBytes: number;
  limitBytes: number | undefined;
  alive: boolean;
}

export interface TrendInput {
  memoryAlertBytes: number;
  rules: TrendRules;
  /** `pid:startTicks` of the process runs alive at report time (alive-runs.ts). */
  alive: ReadonlySet<string>;
}

function judge(key: string, s: Series, rules: TrendRules): Trend {
  const warmEnd = s.kind === 'process' ? (s.startMs ?? s.points[0]!.t) + rules.warmupMs : -Infinity;
  const points = s.points.filter((p) => p.t >= warmEnd);
  const spanMs = points.length > 0 ? points.at(-1)!.t - points[0]!.t : 0;
  const currentMB = s.points.at(-1)!.bytes / MB;
  const base = { kind: s.kind, label: s.label, key, samples: points.length, spanMinutes: spanMs / 60_000, currentMB, leak: false };
  if (!s.alive) return { ...base, state: 'ended' };
  if (points.length < rules.minSamples || spanMs < rules.minSpanMs) return { ...base, state: 'not enough history' };
  const t0 = points[0]!.t;
  const fit = fitSlope(points.map((p) => ({ x: (p.t - t0) / HOUR_MS, y: p.bytes / MB })));
  if (!fit) return { ...base, state: 'not enough history' };
  const judged = { ...base, mbPerHour: fit.slope, lower_mb_per_hour: fit.lower, upper_mb_per_hour: fit.upper };
  if (!(fit.lower > LEAK_MIN_MB_PER_HOUR)) return { ...judged, state: 'steady' };
  const hours = (targetBytes: number) => Math.max(0, (targetBytes / MB - currentMB) / fit.slope);
  return {
    ...judged,
    state: 'leak',
    leak: true,
    hoursToAlert: hours(s.alertBytes),
    ...(s.limitBytes === undefined ? {} : { hoursToLimit: hours(s.limitBytes) }),
  };
}

/** Most certain leak first (highest lower bound), then the other judged series, then the rest. */
function rank(t: Trend): number {
  return t.state === 'leak' || t.state === 'steady' ? t.lower_mb_per_hour! : -Infinity;
}

export function computeTrends(samples: readonly HealthSample[], input: TrendInput): Trend[] {
  const series = new Map<string, Series>();
  let totalRam: number | undefined;
  const add = (key: string, make: () => Series, point: Point): Series | undefined => {
    let s = series.get(key);
    if (!s) {
      if (series.size >= MAX_TREND_SERIES) return undefined;
      s = make();
      series.set(key, s);
    }
    s.points.push(point);
    return s;
  };
  for (const sample of samples) {
    const t = Date.parse(sample.time);
    totalRam = sample.memory?.totalBytes ?? totalRam;
    for (const p of sample.processes ?? []) {
      if (p.rssBytes === undefined) continue;
      const key = `${p.pid}:${p.startTicks}`;
      const started = p.startedAt === undefined ? undefined : Date.parse(p.startedAt);
      add(
        key,
        () => ({
          kind: 'process',
          label: `${p.name} (pid ${p.pid})`,
          points: [],
          startMs: Number.isFinite(started) ? started : undefined,
          alertBytes: input.memoryAlertBytes,
          limitBytes: undefined,
          alive: input.alive.has(key),
        }),
        { t, bytes: p.rssBytes },
      );
    }
    for (const h of sample.hotFolders ?? []) {
      if (h.usedBytes === undefined || h.sizeBytes === undefined) continue;
      const s = add(`hot:${h.device}`, () => ({ kind: 'tmpfs', label: h.name, points: [], alertBytes: 0, limitBytes: 0, alive: true }), {
        t,
        bytes: h.usedBytes,
      });
      // The newest size counts: a tmpfs can be remounted bigger.
      if (s) [s.alertBytes, s.limitBytes] = [(h.sizeBytes * HOT_CRITICAL_PERCENT) / 100, h.sizeBytes];
    }
  }
  const trends: Trend[] = [];
  for (const [key, s] of series) {
    if (s.kind === 'process') s.limitBytes = totalRam;
    trends.push(judge(s.kind === 'tmpfs' ? key.slice('hot:'.length) : key, s, input.rules));
  }
  return trends.sort((a, b) => rank(b) - rank(a));
}

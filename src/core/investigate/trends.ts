import { HOT_CRITICAL_PERCENT } from './health-alerts.js';
import type { HealthSample } from './health-types.js';

/**
 * Memory and tmpfs growth from the recorded health samples: a least-squares
 * line through (time, MB) per series, its fit quality R², and when it grows,
 * the projected time until a limit. A series is one process run (pid + start
 * time: a restart or a reused pid starts a new one) or one hot folder.
 */

/** Fewer points than this say nothing about a trend. */
export const MIN_TREND_SAMPLES = 3;
/** A line only counts as a leak when it explains the data well... */
export const LEAK_MIN_R2 = 0.8;
/** ...and grows by at least this much (below it, allocator noise). */
export const LEAK_MIN_MB_PER_HOUR = 1;
/** The report window: the samples of the last hour. */
export const TREND_WINDOW_MS = 3_600_000;
/** Series per report, whatever the history holds (each has its own process or folder). */
export const MAX_TREND_SERIES = 128;

const MB = 1024 * 1024;
const HOUR_MS = 3_600_000;

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0..1; 1 for a perfectly flat line. */
  r2: number;
}

/** Ordinary least squares of y on x. */
export function leastSquares(points: readonly { x: number; y: number }[]): LinearFit | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
    syy += (p.y - meanY) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export interface Trend {
  kind: 'process' | 'tmpfs';
  /** `capture_monitor.py (pid 1234)` or `capture2/hot`. */
  label: string;
  key: string;
  samples: number;
  spanMinutes: number;
  currentMB: number;
  mbPerHour: number;
  r2: number;
  /** Growing steadily: slope over LEAK_MIN_MB_PER_HOUR and R² over LEAK_MIN_R2. */
  leak: boolean;
  /** Hours until the alert threshold (--memory-alert, or 90% of a tmpfs); 0 when already over; absent when not growing. */
  hoursToAlert?: number;
  /** Hours until total RAM (process) or a full tmpfs. */
  hoursToLimit?: number;
}

interface Point {
  t: number;
  bytes: number;
}

function fitSeries(points: Point[], alertBytes: number, limitBytes: number | undefined): Omit<Trend, 'kind' | 'label' | 'key'> | undefined {
  if (points.length < MIN_TREND_SAMPLES) return undefined;
  const t0 = points[0]!.t;
  const fit = leastSquares(points.map((p) => ({ x: (p.t - t0) / HOUR_MS, y: p.bytes / MB })));
  if (!fit) return undefined;
  const current = points.at(-1)!.bytes / MB;
  const growing = fit.slope > 0;
  const hours = (targetBytes: number) => Math.max(0, (targetBytes / MB - current) / fit.slope);
  return {
    samples: points.length,
    spanMinutes: (points.at(-1)!.t - t0) / 60_000,
    currentMB: current,
    mbPerHour: fit.slope,
    r2: fit.r2,
    leak: fit.slope >= LEAK_MIN_MB_PER_HOUR && fit.r2 > LEAK_MIN_R2,
    ...(growing ? { hoursToAlert: hours(alertBytes) } : {}),
    ...(growing && limitBytes !== undefined ? { hoursToLimit: hours(limitBytes) } : {}),
  };
}

export function computeTrends(samples: readonly HealthSample[], memoryAlertBytes: number): Trend[] {
  const processes = new Map<string, { label: string; points: Point[] }>();
  const hot = new Map<string, { label: string; points: Point[]; size: number }>();
  let totalRam: number | undefined;
  for (const sample of samples) {
    const t = Date.parse(sample.time);
    totalRam = sample.memory?.totalBytes ?? totalRam;
    for (const p of sample.processes ?? []) {
      if (p.rssBytes === undefined) continue;
      const key = `${p.pid}:${p.startTicks}`;
      if (!processes.has(key) && processes.size + hot.size >= MAX_TREND_SERIES) continue;
      const series = processes.get(key) ?? { label: `${p.name} (pid ${p.pid})`, points: [] };
      series.points.push({ t, bytes: p.rssBytes });
      processes.set(key, series);
    }
    for (const h of sample.hotFolders ?? []) {
      if (h.usedBytes === undefined || h.sizeBytes === undefined) continue;
      if (!hot.has(h.device) && processes.size + hot.size >= MAX_TREND_SERIES) continue;
      const series = hot.get(h.device) ?? { label: h.name, points: [], size: h.sizeBytes };
      series.points.push({ t, bytes: h.usedBytes });
      series.size = h.sizeBytes;
      hot.set(h.device, series);
    }
  }
  const trends: Trend[] = [];
  for (const [key, s] of processes) {
    const fit = fitSeries(s.points, memoryAlertBytes, totalRam);
    if (fit) trends.push({ kind: 'process', label: s.label, key, ...fit });
  }
  for (const [key, s] of hot) {
    const fit = fitSeries(s.points, (s.size * HOT_CRITICAL_PERCENT) / 100, s.size);
    if (fit) trends.push({ kind: 'tmpfs', label: s.label, key, ...fit });
  }
  return trends;
}

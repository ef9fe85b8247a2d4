import { readFileSync } from 'node:fs';
import path from 'node:path';
import { available, unavailable, type Probe } from './types.js';

/** System memory and swap from /proc/meminfo. */
export interface MemoryInfo {
  totalBytes: number;
  /** MemAvailable: what can be allocated without swapping (kernel estimate). */
  availableBytes: number;
  /** total - available, as `free` (procps 4) counts "used". */
  usedBytes: number;
  usedPercent: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
  swapUsedBytes: number;
  /** undefined when there is no swap. */
  swapUsedPercent: number | undefined;
}

/** Parse /proc/meminfo into bytes per key (`MemTotal: 8000000 kB` -> 8192000000). */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!match) continue;
    values.set(match[1]!, Number(match[2]) * (match[3] ? 1024 : 1));
  }
  return values;
}

export function memoryFromMeminfo(values: Map<string, number>): MemoryInfo | undefined {
  const total = values.get('MemTotal');
  if (total === undefined || total === 0) return undefined;
  // Kernels before 3.14 have no MemAvailable: estimate it the way free(1) did then.
  const availableBytes = values.get('MemAvailable') ?? (values.get('MemFree') ?? 0) + (values.get('Buffers') ?? 0) + (values.get('Cached') ?? 0);
  const swapTotalBytes = values.get('SwapTotal') ?? 0;
  const swapFreeBytes = values.get('SwapFree') ?? 0;
  const usedBytes = Math.max(0, total - availableBytes);
  return {
    totalBytes: total,
    availableBytes,
    usedBytes,
    usedPercent: (usedBytes / total) * 100,
    swapTotalBytes,
    swapFreeBytes,
    swapUsedBytes: swapTotalBytes - swapFreeBytes,
    swapUsedPercent: swapTotalBytes > 0 ? ((swapTotalBytes - swapFreeBytes) / swapTotalBytes) * 100 : undefined,
  };
}

export const memoryProbe: Probe<MemoryInfo> = {
  name: 'memory',
  async sample(ctx) {
    const info = memoryFromMeminfo(parseMeminfo(readFileSync(path.join(ctx.procRoot, 'meminfo'), 'utf8')));
    return info ? available(info) : unavailable('/proc/meminfo has no MemTotal');
  },
};

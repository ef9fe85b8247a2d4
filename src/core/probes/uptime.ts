import { readFileSync } from 'node:fs';
import { readProcOr } from './proc-pid.js';
import path from 'node:path';
import { parseBootTime } from './load.js';
import { available, unavailable, type Probe } from './types.js';

export interface UptimeInfo {
  uptimeSeconds: number;
  /** When the host booted, from /proc/stat btime (undefined when unreadable). */
  bootedAt: string | undefined;
}

/** Parse /proc/uptime: `350735.47 234388.90` -> seconds since boot. */
export function parseUptime(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s/.exec(`${text.trim()} `);
  return match ? Number(match[1]) : undefined;
}

export const uptimeProbe: Probe<UptimeInfo> = {
  name: 'uptime',
  async sample(ctx) {
    const uptimeText = readFileSync(path.join(ctx.procRoot, 'uptime'), 'utf8');
    const stat = readProcOr(path.join(ctx.procRoot, 'stat'));
    const uptimeSeconds = parseUptime(uptimeText);
    if (uptimeSeconds === undefined) return unavailable('/proc/uptime is not in the expected format');
    const btime = parseBootTime(stat);
    return available({ uptimeSeconds, bootedAt: btime === undefined ? undefined : new Date(btime * 1000).toISOString() });
  },
};

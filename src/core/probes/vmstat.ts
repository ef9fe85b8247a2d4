import { readFileSync } from 'node:fs';
import path from 'node:path';
import { available, unavailable, type Probe } from './types.js';

/** OOM-killer kills since boot (the `oom_kill` counter of /proc/vmstat, Linux 4.13+). */
export function parseOomKillCount(vmstat: string): number | undefined {
  const match = /^oom_kill\s+(\d+)\s*$/m.exec(vmstat);
  return match ? Number(match[1]) : undefined;
}

export const vmstatProbe: Probe<{ oomKills: number }> = {
  name: 'vmstat',
  async sample(ctx) {
    const count = parseOomKillCount(readFileSync(path.join(ctx.procRoot, 'vmstat'), 'utf8'));
    return count === undefined ? unavailable('/proc/vmstat has no oom_kill counter (kernel older than 4.13)') : available({ oomKills: count });
  },
};

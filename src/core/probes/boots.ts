import { describeProbeError } from './probe-error.js';
import { available, unavailable, type Probe, type ProbeContext } from './types.js';

/** One boot of the host, newest first in BootsInfo. */
export interface BootRecord {
  /** journalctl's boot offset (0 = this boot, -1 = the previous one). */
  index: number | undefined;
  bootId: string | undefined;
  first: string | undefined;
  last: string | undefined;
  raw: string;
}

export interface BootsInfo {
  source: 'journalctl --list-boots' | 'last -x reboot';
  boots: BootRecord[];
  total: number;
}

/** The report shows the recent boots; a host up for years has thousands. */
export const MAX_BOOTS = 10;
const COMMAND_TIMEOUT_MS = 3_000;
const JOURNAL_TIME = /\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: [A-Za-z][\w+-]*)?/g;

/** `journalctl --list-boots`, with or without the header line of systemd 252+. */
export function parseListBoots(text: string): BootRecord[] {
  const boots: BootRecord[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(-?\d+)\s+([0-9a-f]{32})\s+(.*)$/.exec(line);
    if (!match) continue;
    const times = match[3]!.match(JOURNAL_TIME) ?? [];
    boots.push({ index: Number(match[1]), bootId: match[2], first: times[0], last: times[1], raw: line.trim() });
  }
  return boots.sort((a, b) => (b.index ?? 0) - (a.index ?? 0));
}

/** `last -x reboot`: newest first already; `still running` marks this boot. */
export function parseLastReboot(text: string): BootRecord[] {
  return text
    .split('\n')
    .filter((line) => /^reboot\s+system boot/.test(line))
    .map((line) => {
      const times = /(\w{3} \w{3}\s+\d+ \d{2}:\d{2})(?:\s+-\s+(\S+))?/.exec(line);
      return { index: undefined, bootId: undefined, first: times?.[1], last: times?.[2], raw: line.trim() };
    });
}

async function listBoots(ctx: ProbeContext): Promise<BootRecord[]> {
  const result = await ctx.run('journalctl', ['--list-boots', '--no-pager'], { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.timedOut) throw new Error(`timed out after ${COMMAND_TIMEOUT_MS} ms`);
  if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`);
  const boots = parseListBoots(result.stdout);
  // A host without journal files (no systemd, volatile storage just wiped) has no boots to list.
  if (boots.length === 0) throw new Error(result.stderr.trim().split('\n')[0] || 'no boots recorded');
  return boots;
}

async function lastReboot(ctx: ProbeContext): Promise<BootRecord[]> {
  const result = await ctx.run('last', ['-x', 'reboot'], { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.timedOut) throw new Error(`timed out after ${COMMAND_TIMEOUT_MS} ms`);
  if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`);
  return parseLastReboot(result.stdout);
}

/** journalctl --list-boots, else last -x reboot (wtmp). */
export const bootsProbe: Probe<BootsInfo> = {
  name: 'boots',
  async sample(ctx) {
    const failures: string[] = [];
    const sources: [BootsInfo['source'], (c: ProbeContext) => Promise<BootRecord[]>][] = [
      ['journalctl --list-boots', listBoots],
      ['last -x reboot', lastReboot],
    ];
    for (const [source, read] of sources) {
      try {
        const boots = await read(ctx);
        return available({ source, boots: boots.slice(0, MAX_BOOTS), total: boots.length });
      } catch (err) {
        failures.push(`${source}: ${describeProbeError(err)}`);
      }
    }
    return unavailable(failures.join('; '));
  },
};

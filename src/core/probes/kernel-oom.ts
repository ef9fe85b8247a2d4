import { open } from 'node:fs/promises';
import path from 'node:path';
import { describeProbeError } from './probe-error.js';
import { available, unavailable, type ProbeContext, type Probe } from './types.js';

/** One OOM-killer kill found in the kernel log. */
export interface OomEvent {
  /** The time as the source printed it (dmesg -T, ISO from journalctl, syslog's). */
  when: string;
  pid: number | undefined;
  process: string | undefined;
  /** anon-rss of the victim, bytes. */
  anonRssBytes: number | undefined;
  line: string;
}

export interface KernelOomInfo {
  source: 'dmesg' | 'journalctl -k' | 'kern.log';
  /** The newest events, at most MAX_OOM_EVENTS. */
  events: OomEvent[];
  total: number;
}

export const MAX_OOM_EVENTS = 20;
/** The kernel log can be large; only its end is read from kern.log. */
export const KERN_LOG_TAIL_BYTES = 4 * 1024 * 1024;
const COMMAND_TIMEOUT_MS = 3_000;

const KILLED = /(?:Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)(?:.*?anon-rss:(\d+)kB)?/;
const TIME = /^\[([^\]]+)\]|^(\S+T\S+)|^(\w{3}\s+\d+\s+[\d:]+)/;

/** Kernel log text (any of the three sources) -> the OOM kills it records. */
export function parseOomEvents(text: string): { events: OomEvent[]; total: number } {
  const events: OomEvent[] = [];
  let total = 0;
  for (const line of text.split('\n')) {
    const match = KILLED.exec(line);
    if (!match) continue;
    total++;
    const time = TIME.exec(line.trim());
    events.push({
      when: (time?.[1] ?? time?.[2] ?? time?.[3] ?? '').trim(),
      pid: Number(match[1]),
      process: match[2],
      anonRssBytes: match[3] === undefined ? undefined : Number(match[3]) * 1024,
      line: line.trim(),
    });
    if (events.length > MAX_OOM_EVENTS) events.shift();
  }
  return { events, total };
}

async function fromCommand(ctx: ProbeContext, program: string, args: string[]): Promise<string> {
  const result = await ctx.run(program, args, { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.timedOut) throw new Error(`timed out after ${COMMAND_TIMEOUT_MS} ms`);
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`;
    throw new Error(/not permitted|permission denied/i.test(why) ? `permission denied (${why})` : why);
  }
  if (/No journal files were found/.test(result.stderr)) throw new Error('no journal files');
  return result.stdout;
}

async function tail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** dmesg, else `journalctl -k`, else /var/log/kern.log: the first source that can be read wins. */
export const kernelOomProbe: Probe<KernelOomInfo> = {
  name: 'kernel-oom',
  async sample(ctx) {
    const sources: [KernelOomInfo['source'], () => Promise<string>][] = [
      ['dmesg', () => fromCommand(ctx, 'dmesg', ['-T'])],
      ['journalctl -k', () => fromCommand(ctx, 'journalctl', ['-k', '-o', 'short-iso', '--no-pager', '-q'])],
      ['kern.log', () => tail(path.join(ctx.rootfs, 'var/log/kern.log'), KERN_LOG_TAIL_BYTES)],
    ];
    const failures: string[] = [];
    for (const [source, read] of sources) {
      try {
        return available({ source, ...parseOomEvents(await read()) });
      } catch (err) {
        failures.push(`${source}: ${describeProbeError(err)}`);
      }
    }
    return unavailable(failures.join('; '));
  },
};

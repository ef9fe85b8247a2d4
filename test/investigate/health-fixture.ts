import { appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { healthLogPath } from '../../src/core/investigate/health-history.js';
import type { HealthSample, SampleProcess } from '../../src/core/investigate/health-types.js';

/**
 * Health logs and a /proc tree for the trend rules (issue 24), written as the 30 s timer and the
 * kernel would: one JSON line per sample in health_YYYYMMDD.jsonl, /proc/<pid>/stat with the
 * start time in clock ticks after boot. Each process is a function of the minute: its RSS then,
 * or undefined while it does not run.
 */

export const FARM_PROC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/proc/farm');
const MB = 1024 * 1024;
const TICKS_PER_SECOND = 100;

export interface FixtureProcess {
  name: string;
  pid: number;
  /** When it started, ms since the epoch (its /proc/<pid>/stat starttime is derived from the boot time). */
  startMs: number;
  /** RSS in MB at `ms`, or undefined when the process was not running then. */
  mbAt: (ms: number) => number | undefined;
}

export const startTicks = (startMs: number, bootMs: number): number => Math.round(((startMs - bootMs) / 1000) * TICKS_PER_SECOND);

/** Deterministic noise in [-amplitude, amplitude] (a linear congruential generator): the same logs every run. */
export function noise(amplitude: number, seed = 1): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * amplitude;
  };
}

/** A GC-like sawtooth: climbs `toothMB` over `toothMin` minutes, then drops back. */
export const sawtooth = (baseMB: number, toothMB: number, toothMin: number) => (ms: number) =>
  baseMB + ((((ms / 60_000) % toothMin) + toothMin) % toothMin) * (toothMB / toothMin);

/** Samples every `everyMs` from `fromMs` to `toMs` (inclusive) into `logDir`'s day files. */
export async function writeHealthLog(
  logDir: string,
  processes: readonly FixtureProcess[],
  window: { fromMs: number; toMs: number; everyMs: number; bootMs: number },
): Promise<number> {
  await mkdir(logDir, { recursive: true });
  const lines = new Map<string, string[]>();
  let count = 0;
  for (let t = window.fromMs; t <= window.toMs; t += window.everyMs) {
    const running: SampleProcess[] = [];
    for (const p of processes) {
      const mb = t >= p.startMs ? p.mbAt(t) : undefined;
      if (mb === undefined) continue;
      running.push({
        name: p.name,
        pattern: p.name,
        pid: p.pid,
        startTicks: startTicks(p.startMs, window.bootMs),
        startedAt: new Date(p.startMs).toISOString(),
        rssBytes: Math.round(mb * MB),
      });
    }
    const sample: HealthSample = {
      version: 1,
      time: new Date(t).toISOString(),
      localTime: '',
      host: 'fixture',
      memory: { totalBytes: 8192 * MB, availableBytes: 4096 * MB, usedBytes: 4096 * MB, usedPercent: 50, swapTotalBytes: 0, swapUsedBytes: 0 },
      hotFolders: [],
      processes: running,
      alerts: [],
      pending: {},
      status: 'OK',
      unavailable: {},
      durationMs: 20,
    };
    const file = healthLogPath(logDir, new Date(t), 'jsonl');
    lines.set(file, [...(lines.get(file) ?? []), JSON.stringify(sample)]);
    count++;
  }
  for (const [file, text] of lines) await appendFile(file, `${text.join('\n')}\n`);
  return count;
}

/**
 * The farm fixture's /proc with these processes instead of its own: cmdline, stat (state S, the
 * start time from `bootMs`) and status (VmRSS). The farm's btime is replaced by `bootMs`.
 */
export async function writeFakeProc(
  root: string,
  processes: readonly { pid: number; argv: string[]; startMs: number; rssMB: number }[],
  bootMs: number,
): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const file of ['loadavg', 'meminfo', 'mounts', 'uptime', 'vmstat']) await cp(path.join(FARM_PROC, file), path.join(root, file));
  const stat = await readFile(path.join(FARM_PROC, 'stat'), 'utf8');
  await writeFile(path.join(root, 'stat'), stat.replace(/^btime \d+$/m, `btime ${Math.floor(bootMs / 1000)}`));
  for (const p of processes) {
    const dir = path.join(root, String(p.pid));
    await mkdir(dir, { recursive: true });
    const comm = path.basename(p.argv[0]!).slice(0, 15);
    await writeFile(path.join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
    await writeFile(
      path.join(dir, 'stat'),
      `${p.pid} (${comm}) S 1 ${p.pid} ${p.pid} 0 -1 4194560 100 0 0 0 500 100 0 0 20 0 1 0 ${startTicks(p.startMs, bootMs)} 100000000 ${p.rssMB * 256} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`,
    );
    await writeFile(path.join(dir, 'status'), `Name:\t${comm}\nState:\tS (sleeping)\nPid:\t${p.pid}\nUid:\t0\t0\t0\t0\nVmRSS:\t${p.rssMB * 1024} kB\n`);
  }
}

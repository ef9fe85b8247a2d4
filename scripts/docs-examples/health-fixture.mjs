// Health logs and a /proc tree for the investigate examples, written as the 30 s timer and the kernel
// would (the same shapes as test/investigate/health-fixture.ts, which the tests use from TypeScript).
import { appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from './run.mjs';

const FARM_PROC = path.join(REPO, 'test/fixtures/proc/farm');
const MB = 1024 * 1024;
const TICKS_PER_SECOND = 100;

const startTicks = (startMs, bootMs) => Math.round(((startMs - bootMs) / 1000) * TICKS_PER_SECOND);

/** Deterministic noise in [-amplitude, amplitude] (a linear congruential generator): the same logs every run. */
export function noise(amplitude, seed = 1) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * amplitude;
  };
}

/**
 * Samples every `everyMs` from `fromMs` to `toMs` into `logDir`'s day files (UTC days: the examples
 * run with TZ=UTC). Each process: { name, pid, startMs, mbAt(ms) -> MB or undefined when not running }.
 */
export async function writeHealthLog(logDir, processes, { fromMs, toMs, everyMs, bootMs }) {
  await mkdir(logDir, { recursive: true });
  const files = new Map();
  for (let t = fromMs; t <= toMs; t += everyMs) {
    const running = processes
      .filter((p) => t >= p.startMs && p.mbAt(t) !== undefined)
      .map((p) => ({
        name: p.name,
        pattern: p.name,
        pid: p.pid,
        startTicks: startTicks(p.startMs, bootMs),
        startedAt: new Date(p.startMs).toISOString(),
        rssBytes: Math.round(p.mbAt(t) * MB),
      }));
    const sample = {
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
    const file = path.join(logDir, `health_${new Date(t).toISOString().slice(0, 10).replaceAll('-', '')}.jsonl`);
    files.set(file, [...(files.get(file) ?? []), JSON.stringify(sample)]);
  }
  for (const [file, lines] of files) await appendFile(file, `${lines.join('\n')}\n`);
}

/** The /proc line of a process: state S, its start after boot, `ticks` of CPU used so far. */
export const procStat = (p, bootMs, ticks = 600) =>
  `${p.pid} (${path.basename(p.argv[0]).slice(0, 15)}) S 1 ${p.pid} ${p.pid} 0 -1 4194560 100 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${startTicks(p.startMs, bootMs)} 100000000 ${p.rssMB * 256} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

/**
 * The farm fixture's /proc (meminfo, mounts, uptime, vmstat) with these processes instead of its
 * own ({ pid, argv, startMs, rssMB }), its boot time `bootMs` and load average `loadavg`.
 */
export async function writeFakeProc(root, processes, bootMs, loadavg) {
  await mkdir(root, { recursive: true });
  for (const file of ['meminfo', 'mounts', 'uptime', 'vmstat']) await cp(path.join(FARM_PROC, file), path.join(root, file));
  await writeFile(path.join(root, 'loadavg'), `${loadavg}\n`);
  const stat = await readFile(path.join(FARM_PROC, 'stat'), 'utf8');
  await writeFile(path.join(root, 'stat'), stat.replace(/^btime \d+$/m, `btime ${Math.floor(bootMs / 1000)}`));
  for (const p of processes) {
    const dir = path.join(root, String(p.pid));
    await mkdir(dir, { recursive: true });
    const comm = path.basename(p.argv[0]).slice(0, 15);
    await writeFile(path.join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
    await writeFile(path.join(dir, 'stat'), procStat(p, bootMs));
    await writeFile(path.join(dir, 'status'), `Name:\t${comm}\nState:\tS (sleeping)\nPid:\t${p.pid}\nUid:\t0\t0\t0\t0\nVmRSS:\t${p.rssMB * 1024} kB\n`);
  }
}

// Health logs and a /proc tree for the trend rules (issue 24), written as the 30 s timer and the
// kernel would: one JSON line per sample in the local day's health_YYYYMMDD.jsonl, /proc/<pid>/stat
// with the start time in clock ticks after boot. Each process is a function of the time: its RSS
// then, or undefined while it does not run. One copy for the tests (types: health-fixture.d.mts) and
// the docs' investigate examples (scripts/docs-examples/investigate-recipes.mjs).
import { appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FARM_PROC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/proc/farm');
const MB = 1024 * 1024;
const TICKS_PER_SECOND = 100;

export const startTicks = (startMs, bootMs) => Math.round(((startMs - bootMs) / 1000) * TICKS_PER_SECOND);

/** Deterministic noise in [-amplitude, amplitude] (a linear congruential generator): the same logs every run. */
export function noise(amplitude, seed = 1) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * amplitude;
  };
}

/** A GC-like sawtooth: climbs `toothMB` over `toothMin` minutes, then drops back. */
export const sawtooth = (baseMB, toothMB, toothMin) => (ms) => baseMB + ((((ms / 60_000) % toothMin) + toothMin) % toothMin) * (toothMB / toothMin);

const pad = (n) => String(n).padStart(2, '0');
/** The monitor's own day file name (src/core/investigate/health-history.ts healthLogPath: the local day). */
const dayFile = (logDir, t) => {
  const d = new Date(t);
  return path.join(logDir, `health_${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.jsonl`);
};

/** Samples every `everyMs` from `fromMs` to `toMs` (inclusive) into `logDir`'s day files; returns how many. */
export async function writeHealthLog(logDir, processes, { fromMs, toMs, everyMs, bootMs }) {
  await mkdir(logDir, { recursive: true });
  const files = new Map();
  let count = 0;
  for (let t = fromMs; t <= toMs; t += everyMs) {
    const running = [];
    for (const p of processes) {
      const mb = t >= p.startMs ? p.mbAt(t) : undefined;
      if (mb === undefined) continue;
      running.push({
        name: p.name,
        pattern: p.name,
        pid: p.pid,
        startTicks: startTicks(p.startMs, bootMs),
        startedAt: new Date(p.startMs).toISOString(),
        rssBytes: Math.round(mb * MB),
      });
    }
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
    const file = dayFile(logDir, t);
    files.set(file, [...(files.get(file) ?? []), JSON.stringify(sample)]);
    count++;
  }
  for (const [file, lines] of files) await appendFile(file, `${lines.join('\n')}\n`);
  return count;
}

/** The /proc line of a process: state S, its start after boot, `ticks` of CPU used so far. */
export const procStat = (p, bootMs, ticks = 600) =>
  `${p.pid} (${path.basename(p.argv[0]).slice(0, 15)}) S 1 ${p.pid} ${p.pid} 0 -1 4194560 100 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${startTicks(p.startMs, bootMs)} 100000000 ${p.rssMB * 256} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

/**
 * The farm fixture's /proc (meminfo, mounts, uptime, vmstat, and its loadavg unless `loadavg` is
 * given) with these processes instead of its own ({ pid, argv, startMs, rssMB }) and its boot time
 * `bootMs`.
 */
export async function writeFakeProc(root, processes, bootMs, loadavg) {
  await mkdir(root, { recursive: true });
  for (const file of ['meminfo', 'mounts', 'uptime', 'vmstat']) await cp(path.join(FARM_PROC, file), path.join(root, file));
  if (loadavg === undefined) await cp(path.join(FARM_PROC, 'loadavg'), path.join(root, 'loadavg'));
  else await writeFile(path.join(root, 'loadavg'), `${loadavg}\n`);
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

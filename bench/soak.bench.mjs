#!/usr/bin/env node
// Memory soak of the live monitor (issue 7): the real `vpt monitor` service process watching 4 devices
// while frames arrive the way the farm's ffmpeg writes them, on a simulated 5 fps clock faster than
// real time, with hot-storage rotation deleting old frames behind it and cache sweeps every 30 s.
//
//   node bench/soak.bench.mjs [--hours 24] [--speed 30] [--devices 4] [--keep 1500] [--arena 2]
//   npm run bench -- soak                        (hours from VPT_SOAK_HOURS, default 3)
//
// 24 simulated hours of 4 devices is 1,728,000 frames. The monitor's RSS is read from /proc every
// 2 s; the figures are the peak (VmHWM), the least-squares growth per simulated hour after a warm-up
// (the first 10% of the run), frames analysed and dropped. The RSS series is written as CSV and as a
// PNG plot to bench/out/soak-<time>/. Goals: growth < 1 MB per simulated hour, peak < 150 MB.
//
// The capture is generated once (one 100 s cycle with moving, held, black and banner episodes) and
// its 500 frames are written again and again under new sequence numbers, each a real new file with
// the mtime of its simulated capture time. Audio is off (--no-audio): the generated capture has none.
// The monitor runs with MALLOC_ARENA_MAX=2 as its systemd unit sets it (`--arena 0`: unset, glibc's default).
// Its status page (`/`) and `/metrics` are polled once a second all along (issue 12), as a browser tab and a
// Prometheus would; after the run, 200 serial scrapes of each on the idle monitor give the CPU per scrape
// (the monitor's utime+stime from /proc over the batch).
//
// --starve (issue 27): the monitor starved of CPU, as on a Pi whose tests hog it: it runs at nice 19
// beside one busy loop per core, for a few minutes, so its event loop never idles. Same figures;
// the peak goal is the same 150 MB:
//   node bench/soak.bench.mjs --starve --hours 0.5 --speed 10    (4 devices at 50 fps, 3 minutes)
import { spawn } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, utimes, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { figure, generateCapture } from './lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    hours: { type: 'string', default: process.env.VPT_SOAK_HOURS ?? '3' },
    speed: { type: 'string', default: '30' },
    devices: { type: 'string', default: '4' },
    keep: { type: 'string', default: '1500' },
    arena: { type: 'string', default: '2' },
    starve: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const HOURS = Number(opt.hours);
const SPEED = Number(opt.speed);
const DEVICES = Number(opt.devices);
const KEEP = Number(opt.keep);
const ARENA = Number(opt.arena);
for (const [name, value] of [
  ['--hours', HOURS],
  ['--speed', SPEED],
  ['--devices', DEVICES],
  ['--keep', KEEP],
]) {
  if (!(value > 0)) {
    console.error(`soak: ${name} must be a positive number`);
    process.exit(2);
  }
}
if (!(Number.isInteger(ARENA) && ARENA >= 0)) {
  console.error('soak: --arena must be 0 (unset) or a positive whole number');
  process.exit(2);
}
const FPS = 5;
const UNIQUE = 100 * FPS;
const FRAMES = Math.round(HOURS * 3600 * FPS); // per device
const SAMPLE_MS = 2_000;
// Warm-up: the first 10% of the run, at least 1 simulated hour when the run has 2 or more (a quarter of shorter runs).
const WARMUP_H = HOURS >= 2 ? Math.max(1, HOURS * 0.1) : HOURS / 4;
// Every 10 simulated minutes a device shows a frozen picture for 45 s, later a black screen for 40 s:
// longer than the 30 s incident delay, so incidents open, gather evidence and resolve all along the run.
const PERIOD = 600 * FPS;
const FROZEN = { from: 120 * FPS, to: 165 * FPS, frame: 20 * FPS };
const BLACK = { from: 420 * FPS, to: 460 * FPS, frame: 75 * FPS };
/** The generated frame shown at a device's step `n` (its own offset added). */
const sourceFrame = (n) => {
  const at = n % PERIOD;
  if (at >= FROZEN.from && at < FROZEN.to) return FROZEN.frame;
  if (at >= BLACK.from && at < BLACK.to) return BLACK.frame;
  return n % UNIQUE;
};
const PEAK_GOAL_MB = 150;
const GROWTH_GOAL_MB_PER_H = 1;
const LEAK_MIN_R2 = 0.5;

// tmpfs when there is one: the farm's hot storage is tmpfs, and 1.7 million frames on a disk cost the disk.
const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const root = mkdtempSync(path.join(base, 'vpt-soak-'));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = path.resolve(opt.out ?? path.join(REPO, 'bench', 'out', `soak-${stamp}`));
const stem = (s) => `capture_${String(s).padStart(9, '0')}`;
const device = (d) => `capture${d + 1}`;
// Even devices have the farm's hot layout (tmpfs hot/ plus cold storage), odd ones the plain one.
const liveDir = (d) => path.join(root, 'stream', device(d), d % 2 === 0 ? 'hot' : '');

let monitor;
/** --starve: one busy loop per core, at normal priority beside the monitor's nice 19; ended by their pids. */
const busyLoops = [];
try {
  // The frames, encoded once and held in memory by this writer (about 30 MB).
  const src = path.join(root, 'src');
  mkdirSync(path.join(src, 'captures'), { recursive: true });
  mkdirSync(path.join(src, 'thumbnails'), { recursive: true });
  const genStart = performance.now();
  generateCapture({ captures: path.join(src, 'captures'), thumbnails: path.join(src, 'thumbnails'), frames: UNIQUE, fps: FPS });
  const captures = Array.from({ length: UNIQUE }, (_, i) => readFileSync(path.join(src, 'captures', `${stem(i)}.jpg`)));
  const thumbnails = Array.from({ length: UNIQUE }, (_, i) => readFileSync(path.join(src, 'thumbnails', `${stem(i)}_thumbnail.jpg`)));
  rmSync(src, { recursive: true });
  for (let d = 0; d < DEVICES; d++) {
    for (const sub of ['captures', 'thumbnails', 'metadata']) mkdirSync(path.join(liveDir(d), sub), { recursive: true });
  }
  mkdirSync(path.join(root, 'state'));
  mkdirSync(path.join(root, 'tmp'));
  console.log(
    `# soak: ${DEVICES} devices x ${FPS} fps, ${HOURS} simulated h (${FRAMES * DEVICES} frames) at ${SPEED}x real time, hot rotation keeps ${KEEP} frames per device, MALLOC_ARENA_MAX=${ARENA > 0 ? ARENA : 'unset'}; capture generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s; files in ${root}`,
  );

  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  if (opt.starve) {
    for (let i = 0; i < os.availableParallelism(); i++) busyLoops.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    console.log(`# starved: the monitor at nice 19 beside ${busyLoops.length} busy loops (one per core)`);
  }
  // nice execs the monitor: its pid is the monitor's.
  monitor = spawn(
    opt.starve ? 'nice' : process.execPath,
    [
      ...(opt.starve ? ['-n', '19', process.execPath] : []),
      path.join(REPO, 'bin', 'vpt'),
      'monitor',
      '--json',
      '--verbose',
      '--no-audio',
      '--stream-root',
      path.join(root, 'stream'),
      '--state-dir',
      path.join(root, 'state'),
      '--devices',
      Array.from({ length: DEVICES }, (_, d) => device(d)).join(','),
      '--fps',
      String(FPS),
      // Issue 11: status.json is rewritten every 5 s (always on) a heartbeat per device every 10 s; issue 12: the page and /metrics.
      '--sweep-interval',
      '30s',
      '--memory-log-interval',
      '1min',
      '--heartbeat',
      '10s',
      '--listen',
      `127.0.0.1:${port}`,
    ],
    {
      env: { ...withoutArena(process.env), TMPDIR: path.join(root, 'tmp'), ...(ARENA > 0 ? { MALLOC_ARENA_MAX: String(ARENA) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => monitor.on('exit', (code, signal) => resolve(code ?? signal)));
  const counts = {
    frame: 0,
    late: 0,
    sampled: 0,
    dropped: 0,
    incident_opened: 0,
    incident_resolved: 0,
    cache_sweep: 0,
    heartbeat: 0,
    stall_started: 0,
    warnings: 0,
  };
  let lastFrameAt = 0;
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  createInterface({ input: monitor.stdout }).on('line', (line) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    if (e.event === 'memory') ready();
    if (e.event === 'frame') {
      counts.frame++;
      if (e.late) counts.late++;
      if (e.sampled) counts.sampled++;
      lastFrameAt = Date.now();
    } else if (e.event === 'dropped') counts.dropped += e.count;
    else if (e.event in counts) counts[e.event]++;
  });
  let stderrTail = '';
  const warningKinds = new Map(); // bounded: 20 kinds, the rest counted under "other"
  createInterface({ input: monitor.stderr }).on('line', (line) => {
    if (/^(warning|error)/.test(line)) {
      counts.warnings++;
      const kind = line
        .replace(/capture_\d+/g, 'capture_N')
        .replace(/\d+(\.\d+)?/g, 'N')
        .slice(0, 110);
      const key = warningKinds.has(kind) || warningKinds.size < 20 ? kind : 'other';
      warningKinds.set(key, (warningKinds.get(key) ?? 0) + 1);
    }
    stderrTail = `${stderrTail}\n${line}`.slice(-3000);
  });
  const startFailed = exited.then((code) => {
    throw new Error(`the monitor exited (${code}) before it started:${stderrTail}`);
  });
  startFailed.catch(() => undefined); // once started, its exit is awaited below
  await Promise.race([isReady, startFailed]);

  const status = (pid) => {
    try {
      const text = readFileSync(`/proc/${pid}/status`, 'utf8');
      const mb = (k) => Number(new RegExp(`^${k}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN) / 1024;
      return { rss: mb('VmRSS'), hwm: mb('VmHWM') };
    } catch {
      return undefined;
    }
  };
  const written = new Array(DEVICES).fill(0);
  const totalWritten = () => written.reduce((a, b) => a + b, 0);
  const simHours = () => totalWritten() / DEVICES / FPS / 3600;
  const samples = [];
  const started = Date.now();
  const sample = () => {
    const s = status(monitor.pid);
    if (s)
      samples.push({ simH: simHours(), realS: (Date.now() - started) / 1000, ...s, written: totalWritten(), analysed: counts.frame, dropped: counts.dropped });
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  // The page and /metrics once a second while the frames flow.
  const polls = { ok: 0, failed: 0 };
  const poll = async (url) => {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) polls.ok++;
      else polls.failed++;
    } catch {
      polls.failed++;
    }
  };
  const poller = setInterval(
    () => void Promise.all([poll(`${base}/`), poll(`${base}/api/status`), poll(`${base}/api/incidents`), poll(`${base}/metrics`)]),
    1_000,
  );

  // Simulated capture time: the run's frames end an hour before now, so no frame is from the future.
  const T0 = Date.now() - HOURS * 3600_000 - 3600_000;
  const place = async (file, data, ms) => {
    await writeFile(`${file}.tmp`, data);
    await utimes(`${file}.tmp`, ms / 1000, ms / 1000);
    await rename(`${file}.tmp`, file);
  };
  const intervalMs = 1000 / (FPS * SPEED);
  let stopWriting = false;
  exited.then(() => (stopWriting = true));
  await Promise.all(
    Array.from({ length: DEVICES }, async (_, d) => {
      const live = liveDir(d);
      const offset = d * 137; // the devices' episodes do not line up
      for (let s = 0; s < FRAMES && !stopWriting; s++) {
        const due = started + s * intervalMs;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const i = sourceFrame(s + offset);
        const ms = T0 + (s / FPS) * 1000;
        await place(path.join(live, 'thumbnails', `${stem(s)}_thumbnail.jpg`), thumbnails[i], ms);
        await place(path.join(live, 'captures', `${stem(s)}.jpg`), captures[i], ms);
        written[d]++;
        if (s >= KEEP) {
          // Hot rotation, as the farm's archiver does it: the frame and its per-frame JSON go.
          const old = stem(s - KEEP);
          await Promise.all(
            [`captures/${old}.jpg`, `thumbnails/${old}_thumbnail.jpg`, `metadata/${old}.json`].map((f) => rm(path.join(live, f), { force: true })),
          );
        }
      }
    }),
  );
  const wroteS = (Date.now() - started) / 1000;
  // Let the queues drain: done when no frame was analysed for 3 s (or after a minute).
  const drainUntil = Date.now() + 60_000;
  while (Date.now() < drainUntil && Date.now() - lastFrameAt < 3_000) await new Promise((r) => setTimeout(r, 250));
  clearInterval(sampler);
  clearInterval(poller);
  sample();
  // The scrape costs below are measured on an idle machine.
  for (const loop of busyLoops.splice(0)) loop.kill('SIGKILL');
  // CPU per scrape on the idle monitor: 200 serial requests, the monitor's CPU time over them.
  const cpuMs = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  };
  const scrapeCost = {};
  for (const [name, url] of [
    ['metrics', `${base}/metrics`],
    ['page', `${base}/`],
    ['api-status', `${base}/api/status`],
  ]) {
    const before = cpuMs(monitor.pid);
    const n = 200;
    for (let i = 0; i < n; i++) await (await fetch(url)).arrayBuffer();
    scrapeCost[name] = (cpuMs(monitor.pid) - before) / n;
  }
  const end = status(monitor.pid);
  monitor.kill('SIGTERM');
  const exit = await exited;
  monitor = undefined;

  // Per-frame JSON left in the live folders for frames the rotation had already taken.
  let orphans = 0;
  for (let d = 0; d < DEVICES; d++) {
    const firstKept = written[d] - KEEP;
    for (const name of await readdir(path.join(liveDir(d), 'metadata'))) {
      const m = /^capture_(\d+)\.json$/.exec(name);
      if (m && Number(m[1]) < firstKept) orphans++;
    }
  }

  const peak = Math.max(end?.hwm ?? 0, ...samples.map((s) => s.hwm));
  const warmupH = WARMUP_H;
  const fitted = fit(samples.filter((s) => s.simH >= warmupH).map((s) => [s.simH, s.rss]));
  const total = totalWritten();
  mkdirSync(outDir, { recursive: true });
  const csv = [
    'sim_hours,real_seconds,rss_mb,hwm_mb,frames_written,frames_analysed,frames_dropped',
    ...samples.map((s) => [s.simH.toFixed(4), s.realS.toFixed(1), s.rss.toFixed(2), s.hwm.toFixed(2), s.written, s.analysed, s.dropped].join(',')),
  ].join('\n');
  writeFileSync(path.join(outDir, 'rss.csv'), `${csv}\n`);
  await sharp(Buffer.from(plot(samples, fitted, warmupH)))
    .png()
    .toFile(path.join(outDir, 'rss.png'));

  console.log(
    `# wrote ${total} frames in ${wroteS.toFixed(0)} s (${(total / wroteS).toFixed(0)} frames/s, ${((simHours() * 3600) / wroteS).toFixed(1)}x real time over ${DEVICES} devices); monitor exit ${exit} on SIGTERM`,
  );
  console.log(
    `# analysed ${counts.frame} (${counts.sampled} under backlog sampling, ${counts.late} late), dropped from the queue ${counts.dropped}, never queued (rotated or superseded first) ${Math.max(0, total - counts.frame - counts.dropped)}`,
  );
  console.log(
    `# incidents opened ${counts.incident_opened}, resolved ${counts.incident_resolved}; cache sweeps ${counts.cache_sweep}; heartbeats ${counts.heartbeat}; stalls ${counts.stall_started}; status.json ${existsSync(path.join(root, 'state', 'status.json')) ? 'written' : 'MISSING'}; warning lines ${counts.warnings}; per-frame JSON left behind the rotation ${orphans}`,
  );
  for (const [kind, n] of warningKinds) console.log(`#   ${String(n).padStart(7)} x ${kind}`);
  console.log(
    `# rss MB at 10/25/50/75/100% of the run: ${[0.1, 0.25, 0.5, 0.75, 1].map((f) => samples[Math.min(samples.length - 1, Math.floor((samples.length - 1) * f))]?.rss.toFixed(1)).join(' / ')}`,
  );
  console.log(`# series: ${path.relative(process.cwd(), path.join(outDir, 'rss.csv'))}, plot: ${path.relative(process.cwd(), path.join(outDir, 'rss.png'))}`);
  figure(
    'soak-peak-rss-mb',
    peak,
    'MB',
    { name: 'goal', value: PEAK_GOAL_MB },
    `VmHWM, ${simHours().toFixed(1)} simulated h, ${DEVICES} devices, MALLOC_ARENA_MAX=${ARENA > 0 ? ARENA : 'unset'}`,
  );
  // A slope is only a leak when the line fits (as `vpt investigate` calls a leak): in a short run the
  // garbage collector's saw-tooth alone can tilt the line by a megabyte an hour either way.
  const noisy = fitted !== undefined && fitted.r2 < LEAK_MIN_R2;
  if (fitted) {
    figure(
      'soak-rss-growth-mb-per-h',
      fitted.slope,
      'MB/sim h',
      { name: 'goal', value: GROWTH_GOAL_MB_PER_H },
      `least squares after ${warmupH.toFixed(1)} h warm-up, ±${fitted.se.toFixed(2)} standard error, R² ${fitted.r2.toFixed(3)}, ${fitted.n} samples${noisy ? '; R² under 0.5: the RSS wanders more than it trends, run longer for a verdict' : ''}`,
    );
  } else {
    console.log(`soak-rss-growth-mb-per-h     not measured (too few samples after the warm-up: raise --hours or lower --speed)`);
  }
  figure('soak-frames-analysed', counts.frame, 'frames', undefined, `of ${total} written; ${counts.dropped} dropped from the queue`);
  figure('soak-http-polls', polls.ok, 'requests', undefined, `/, /api/status, /api/incidents and /metrics once a second; ${polls.failed} failed`);
  figure('scrape-cpu-metrics', scrapeCost.metrics, 'ms CPU', undefined, `per GET /metrics, mean of 200 on the idle monitor, ${DEVICES} devices`);
  figure('scrape-cpu-page', scrapeCost.page, 'ms CPU', undefined, 'per GET / (the status page), mean of 200');
  figure('scrape-cpu-api-status', scrapeCost['api-status'], 'ms CPU', undefined, 'per GET /api/status, mean of 200');
  const failed = polls.failed > 0 || exit !== 0 || peak >= PEAK_GOAL_MB || (fitted !== undefined && !noisy && fitted.slope >= GROWTH_GOAL_MB_PER_H);
  if (exit !== 0) console.log(`# monitor stderr (tail):${stderrTail}`);
  process.exitCode = failed ? 1 : 0;
} finally {
  for (const loop of busyLoops) loop.kill('SIGKILL');
  if (monitor) monitor.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}

function withoutArena(env) {
  const { MALLOC_ARENA_MAX, ...rest } = env;
  return rest;
}

/** Least-squares line through [x, y] points: slope, intercept, R²; undefined below 10 points or a 0.5 h span. */
function fit(points) {
  if (points.length < 10 || points.at(-1)[0] - points[0][0] < 0.5) return undefined;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  // Standard error of the slope (samples 2 s apart are not independent, so it is a lower bound).
  const se = Math.sqrt(Math.max(0, (1 - r2) * syy) / Math.max(1, n - 2) / sxx);
  return { slope, se, intercept: my - slope * mx, r2, n, from: points[0][0], to: points.at(-1)[0] };
}

/** The RSS series as an SVG chart: RSS and VmHWM against simulated hours, the 150 MB goal, the fitted line. */
function plot(samples, fitted, warmupH) {
  const W = 960;
  const H = 480;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const xMax = Math.max(1e-6, samples.at(-1)?.simH ?? 1);
  const yMax = Math.max(PEAK_GOAL_MB * 1.1, ...samples.map((s) => s.hwm * 1.05));
  const x = (v) => m.l + (v / xMax) * (W - m.l - m.r);
  const y = (v) => H - m.b - (v / yMax) * (H - m.t - m.b);
  const line = (key) => samples.map((s) => `${x(s.simH).toFixed(1)},${y(s[key]).toFixed(1)}`).join(' ');
  const ticks = [];
  const xStep = xMax > 12 ? 2 : xMax > 4 ? 1 : xMax > 1 ? 0.5 : 0.1;
  for (let v = 0; v <= xMax + 1e-9; v += xStep)
    ticks.push(
      `<line x1="${x(v)}" y1="${H - m.b}" x2="${x(v)}" y2="${H - m.b + 5}" stroke="#000"/><text x="${x(v)}" y="${H - m.b + 20}" text-anchor="middle">${+v.toFixed(1)}</text>`,
    );
  for (let v = 0; v <= yMax; v += 25)
    ticks.push(`<line x1="${m.l}" y1="${y(v)}" x2="${W - m.r}" y2="${y(v)}" stroke="#ddd"/><text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  const fitLine = fitted
    ? `<line x1="${x(fitted.from)}" y1="${y(fitted.intercept + fitted.slope * fitted.from)}" x2="${x(fitted.to)}" y2="${y(fitted.intercept + fitted.slope * fitted.to)}" stroke="#d62728" stroke-width="2" stroke-dasharray="8 4"/>`
    : '';
  const title = fitted
    ? `growth ${fitted.slope.toFixed(2)} MB per simulated hour after ${warmupH.toFixed(1)} h (R² ${fitted.r2.toFixed(2)})`
    : 'growth not measured';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
${ticks.join('\n')}
<line x1="${m.l}" y1="${y(PEAK_GOAL_MB)}" x2="${W - m.r}" y2="${y(PEAK_GOAL_MB)}" stroke="#ff7f0e" stroke-width="1.5" stroke-dasharray="4 4"/>
<text x="${W - m.r - 4}" y="${y(PEAK_GOAL_MB) - 6}" text-anchor="end" fill="#ff7f0e">peak goal ${PEAK_GOAL_MB} MB</text>
<polyline points="${line('hwm')}" fill="none" stroke="#aaa" stroke-width="1"/>
<polyline points="${line('rss')}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>
${fitLine}
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#000"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#000"/>
<text x="${W / 2}" y="${H - 12}" text-anchor="middle">simulated hours (${DEVICES} devices x ${FPS} fps, ${SPEED}x real time)</text>
<text x="16" y="${H / 2}" transform="rotate(-90 16 ${H / 2})" text-anchor="middle">monitor RSS, MB (grey: VmHWM)</text>
<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">vpt monitor soak: ${title}</text>
</svg>`;
}

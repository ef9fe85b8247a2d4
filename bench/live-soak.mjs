// Soak of the real `vpt monitor` service process (not part of `npm run bench`: minutes long).
// Run after `npm run build`:
//   node bench/live-soak.mjs --devices 4 --fps 5 --speed 5 --sim-minutes 10
//   node bench/live-soak.mjs ... --arena 2          (the monitor runs with MALLOC_ARENA_MAX=2)
//   node bench/live-soak.mjs --devices 4 --fps 25 --speed 1 --sim-minutes 1   (drops at 25 fps)
// Spawns bin/vpt monitor on a temp stream root (even devices hot layout, odd cold) and writes
// the farm's real fixtures the ffmpeg way (temp + rename, mtime on the simulated capture clock)
// with hot rotation, fps x speed frames per second per device. Each simulated 2 minutes holds a
// 40 s frozen picture, so events, incidents and evidence copies run too. Reports frames analysed
// and dropped (from the monitor's JSON events) and the monitor's RSS from /proc/<pid>/status.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    devices: { type: 'string', default: '4' },
    fps: { type: 'string', default: '5' },
    speed: { type: 'string', default: '5' },
    'sim-minutes': { type: 'string', default: '10' },
    keep: { type: 'string', default: '300' },
    arena: { type: 'string' },
  },
});
const DEVICES = Number(opt.devices);
const FPS = Number(opt.fps);
const SPEED = Number(opt.speed);
const FRAMES = Math.round(Number(opt['sim-minutes']) * 60 * FPS);
const KEEP = Number(opt.keep);
const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../shared/fixtures/real');

const load = (names) => Promise.all(names.map((f) => readFile(path.join(FIXTURES, f))));
const captures = await load(['banner.jpg', 'subtitles_original.jpg']);
const thumbs = await load(['almost_freeze1.jpg', 'alsmot_freeze2.jpg', 'android_mobile_blackscreen.jpg']);
const frozen = (await load(['freeze_1.jpg']))[0];
const root = await mkdtemp(path.join(os.tmpdir(), 'vpt-soak-'));
const T0 = Date.parse('2025-10-17T00:00:00Z');
const stem = (s) => `capture_${String(s).padStart(9, '0')}`;
const liveDirOf = (d) => path.join(root, 'stream', `capture${d}`, d % 2 === 0 ? 'hot' : '');
for (let d = 1; d <= DEVICES; d++) {
  for (const sub of ['captures', 'thumbnails']) await mkdir(path.join(liveDirOf(d), sub), { recursive: true });
}
await mkdir(path.join(root, 'state'));
await mkdir(path.join(root, 'tmp'));

const monitor = spawn(
  process.execPath,
  [path.join(here, '..', 'bin', 'vpt'), 'monitor', '--json', '--verbose', '--stream-root', path.join(root, 'stream'), '--state-dir', path.join(root, 'state'),
    '--devices', Array.from({ length: DEVICES }, (_, i) => `capture${i + 1}`).join(','), '--fps', String(FPS), '--sweep-interval', '1min'],
  { env: { ...process.env, TMPDIR: path.join(root, 'tmp'), ...(opt.arena ? { MALLOC_ARENA_MAX: opt.arena } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] },
);
const counts = { frame: 0, dropped: 0, late: 0, incident_opened: 0, incident_resolved: 0 };
let ready;
const isReady = new Promise((r) => (ready = r));
createInterface({ input: monitor.stdout }).on('line', (line) => {
  const e = JSON.parse(line);
  if (e.event === 'memory') ready();
  if (e.event === 'frame') {
    counts.frame++;
    if (e.late) counts.late++;
  }
  if (e.event === 'dropped') counts.dropped += e.count;
  if (e.event in counts && e.event !== 'frame' && e.event !== 'dropped') counts[e.event]++;
});
let stderrTail = '';
monitor.stderr.on('data', (c) => (stderrTail = (stderrTail + c).slice(-2000)));
await isReady;

async function rssOf(pid) {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s*(\\d+)`, 'm').exec(text)[1]);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}
const samples = [];
const started = Date.now();
const sampler = setInterval(async () => samples.push({ at: Date.now() - started, ...(await rssOf(monitor.pid)) }), 5_000);

async function place(file, data, ms) {
  await writeFile(`${file}.tmp`, data);
  await utimes(`${file}.tmp`, ms / 1000, ms / 1000);
  await rename(`${file}.tmp`, file);
}
const intervalMs = 1000 / (FPS * SPEED);
await Promise.all(
  Array.from({ length: DEVICES }, async (_, i) => {
    const live = liveDirOf(i + 1);
    for (let s = 0; s < FRAMES; s++) {
      const due = started + s * intervalMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const simS = s / FPS;
      const held = simS % 120 >= 60 && simS % 120 < 100;
      const ms = T0 + simS * 1000;
      await place(path.join(live, 'thumbnails', `${stem(s)}_thumbnail.jpg`), held ? frozen : thumbs[s % thumbs.length], ms);
      await place(path.join(live, 'captures', `${stem(s)}.jpg`), captures[s % captures.length], ms);
      if (s >= KEEP) {
        // hot rotation, as the archiver does (the monitor's per-frame JSON goes with it)
        for (const f of [`captures/${stem(s - KEEP)}.jpg`, `thumbnails/${stem(s - KEEP)}_thumbnail.jpg`, `metadata/${stem(s - KEEP)}.json`]) {
          await rm(path.join(live, f), { force: true });
        }
      }
    }
  }),
);
const wroteMs = Date.now() - started;
const total = FRAMES * DEVICES;
const drainDeadline = Date.now() + 60_000;
while (counts.frame + counts.dropped < total && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 200));
clearInterval(sampler);
const end = await rssOf(monitor.pid);
monitor.kill('SIGTERM');
const exit = await new Promise((r) => monitor.on('exit', (code) => r(code)));
await rm(root, { recursive: true, force: true });

const warm = samples.filter((s) => s.at > 30_000);
const first = warm[0] ?? samples[0];
const mb = (v) => `${v.toFixed(1)}MB`;
console.log(`monitor: ${DEVICES} devices x ${FPS} fps, ${FRAMES} frames each (${(FRAMES / FPS / 60).toFixed(1)} simulated min) written in ${(wroteMs / 1000).toFixed(0)} s; MALLOC_ARENA_MAX=${opt.arena ?? 'unset'}; exit ${exit}`);
console.log(`frames analysed ${counts.frame} of ${total} (late ${counts.late}), dropped ${counts.dropped}; incidents opened ${counts.incident_opened}, resolved ${counts.incident_resolved}`);
console.log(`monitor rss after warm-up ${mb(first.rss)}, at end ${mb(end.rss)}, peak (VmHWM) ${mb(end.hwm)}`);
console.log(`rss series, MB every 30 s: ${samples.filter((_, i) => i % 6 === 5).map((s) => s.rss.toFixed(1)).join(' ')}`);
if (exit !== 0) console.log(`monitor stderr (tail):\n${stderrTail}`);

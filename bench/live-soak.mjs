// Soak of the live monitor's own machinery: watcher, queue, worker, SQLite, sweeps.
// Not part of `npm run bench` (minutes long). Run after `npm run build`:
//   node bench/live-soak.mjs --devices 4 --fps 5 --speed 5 --sim-minutes 10
//   MALLOC_ARENA_MAX=2 node bench/live-soak.mjs ...      (compare arena settings)
//   node bench/live-soak.mjs --devices 4 --fps 25 --speed 1 --sim-minutes 1   (drops at 25 fps)
// Frames are the farm's real fixtures written the ffmpeg way (temp + rename, mtime on a
// simulated clock), with hot rotation. The analysis is a STAND-IN until the frame pipeline
// lands: sharp decodes the 320x180 thumbnail to grayscale and a per-frame JSON is written,
// the two costs that dominate the real analyzer's memory behaviour.
import { mkdir, mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { writeFileAtomic } from '../dist/core/atomic-write.js';
import { IncidentStore } from '../dist/core/incidents/incident-store.js';
import { LiveMonitor } from '../dist/core/live/live-monitor.js';
import { createLogger } from '../dist/core/logger.js';
import { readSelfMemory } from '../dist/core/memory/self-memory.js';
import { formatMB } from '../dist/core/units.js';

const { values: opt } = parseArgs({
  options: {
    devices: { type: 'string', default: '4' },
    fps: { type: 'string', default: '5' },
    speed: { type: 'string', default: '5' },
    'sim-minutes': { type: 'string', default: '10' },
    keep: { type: 'string', default: '300' },
  },
});
const DEVICES = Number(opt.devices);
const FPS = Number(opt.fps);
const SPEED = Number(opt.speed);
const FRAMES = Math.round(Number(opt['sim-minutes']) * 60 * FPS);
const KEEP = Number(opt.keep);
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/real');

const captures = await Promise.all(['banner.jpg', 'subtitles_original.jpg'].map((f) => readFile(path.join(FIXTURES, f))));
const thumbs = await Promise.all(
  ['almost_freeze1.jpg', 'alsmot_freeze2.jpg', 'freeze_1.jpg', 'android_tv_blackscreen.jpg'].map((f) => readFile(path.join(FIXTURES, f))),
);
sharp.cache(false); // the pipeline will decide its own sharp cache; measure without libvips' cache
const root = await mkdtemp(path.join(os.tmpdir(), 'vpt-soak-'));
const T0 = Date.parse('2025-10-17T00:00:00Z');
const name = (s) => `capture_${String(s).padStart(9, '0')}`;

async function place(file, data, ms) {
  await writeFile(`${file}.tmp`, data);
  await utimes(`${file}.tmp`, ms / 1000, ms / 1000);
  await rename(`${file}.tmp`, file);
}

const liveDirOf = (d) => path.join(root, 'stream', `capture${d}`, d % 2 === 0 ? 'hot' : '');
for (let d = 1; d <= DEVICES; d++) {
  for (const sub of ['captures', 'thumbnails', 'metadata']) await mkdir(path.join(liveDirOf(d), sub), { recursive: true });
}
await mkdir(path.join(root, 'state'));

let analysed = 0;
const analyzer = (device, deviceDir) => ({
  async analyze(frame) {
    const live = path.dirname(path.dirname(frame.path));
    const thumb = path.join(live, 'thumbnails', `${name(frame.sequence)}_thumbnail.jpg`);
    const { data } = await sharp(thumb).greyscale().raw().toBuffer({ resolveWithObject: true });
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += data[i];
    await writeFileAtomic(path.join(live, 'metadata', `${name(frame.sequence)}.json`), JSON.stringify({ analyzed: true, mean: sum / data.length, device, deviceDir }), { fsync: false });
    analysed++;
    return { sequence: frame.sequence, timeMs: frame.mtimeMs, ongoing: [], transitions: [] };
  },
});

const store = IncidentStore.openInDir(path.join(root, 'state'));
let dropped = 0;
const monitor = new LiveMonitor({
  streamRoot: path.join(root, 'stream'),
  devices: Array.from({ length: DEVICES }, (_, i) => `capture${i + 1}`),
  store,
  createAnalyzer: analyzer,
  onEvent: (e) => {
    if (e.event === 'dropped') dropped += e.count;
  },
  logger: createLogger({ level: 'warn', write: () => undefined }),
  incidentDelayMs: 30_000,
  queueLimit: 150,
  sweepIntervalMs: 60_000,
  memoryLogIntervalMs: 3_600_000,
  memoryAlertBytes: 1024 ** 3,
});
await monitor.start();

const rss = [];
const sampler = setInterval(async () => rss.push({ at: Date.now(), ...(await readSelfMemory()) }), 5_000);
const started = Date.now();
const intervalMs = 1000 / (FPS * SPEED);
await Promise.all(
  Array.from({ length: DEVICES }, async (_, i) => {
    const live = liveDirOf(i + 1);
    for (let s = 0; s < FRAMES; s++) {
      const due = started + s * intervalMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const ms = T0 + (s * 1000) / FPS;
      await place(path.join(live, 'thumbnails', `${name(s)}_thumbnail.jpg`), thumbs[s % thumbs.length], ms);
      await place(path.join(live, 'captures', `${name(s)}.jpg`), captures[s % captures.length], ms);
      if (s >= KEEP) {
        // hot rotation, as the archiver does
        for (const f of [`captures/${name(s - KEEP)}.jpg`, `thumbnails/${name(s - KEEP)}_thumbnail.jpg`, `metadata/${name(s - KEEP)}.json`]) {
          await rm(path.join(live, f), { force: true });
        }
      }
    }
  }),
);
const wroteMs = Date.now() - started;
await new Promise((r) => setTimeout(r, 3_000));
clearInterval(sampler);
const stats = monitor.stats();
await monitor.stop(5_000);
store.close();
await rm(root, { recursive: true, force: true });

const total = FRAMES * DEVICES;
const warm = rss.filter((r) => r.at - started > 30_000);
const first = warm[0] ?? rss[0];
const last = rss.at(-1);
const simHours = FRAMES / FPS / 3600;
console.log(`devices ${DEVICES} x ${FPS} fps, ${FRAMES} frames each (${(simHours * 60).toFixed(1)} simulated min) written in ${(wroteMs / 1000).toFixed(0)} s; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}`);
console.log(`frames analysed ${analysed} of ${total}, dropped ${dropped} (queue counters: ${stats.map((s) => s.dropped).join('/')})`);
console.log(`rss after warm-up ${formatMB(first.rssBytes)}, at end ${formatMB(last.rssBytes)}, peak (VmHWM) ${formatMB(last.hwmBytes)}`);
console.log(`rss series, MB every 30 s: ${rss.filter((_, i) => i % 6 === 5).map((r) => (r.rssBytes / 1024 / 1024).toFixed(1)).join(' ')}`);
console.log(`rss growth after warm-up ${((last.rssBytes - first.rssBytes) / 1024 / 1024).toFixed(1)} MB over ${((last.at - first.at) / 1000).toFixed(0)} s wall`);

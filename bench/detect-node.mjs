#!/usr/bin/env node
// The monitor's per-frame work on one device folder, as a whole process: for each frame, load the
// 320x180 thumbnail as grayscale, then blackscreen, zap and freeze (FreezeRing, the monitor's default
// motion rule, or --freeze-rule seed). Prints one JSON line.
// Usage: node bench/detect-node.mjs <device-dir> [--read-ahead N] [--freeze-rule motion|seed]
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/core');
const { loadGrayImage } = await import(path.join(dist, 'frames/image-loader.js'));
const { THUMBNAIL_SIZE } = await import(path.join(dist, 'frames/frame-size.js'));
const { FreezeRing, detectBlackscreen, detectZap } = await import(path.join(dist, 'detectors/index.js'));
const { FreezeJudge, MOTION_MIN_AREA } = await import(path.join(dist, 'detectors/freeze-judge.js'));

const [deviceDir, ...rest] = process.argv.slice(2);
if (!deviceDir) {
  process.stderr.write('usage: node bench/detect-node.mjs <device-dir> [--read-ahead N] [--freeze-rule motion|seed]\n');
  process.exit(2);
}
const option = (name, fallback) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : fallback);
// Decodes in flight at once: sharp decodes on libuv's thread pool, so the next thumbnails decode while this one is analysed.
const readAhead = Number(option('--read-ahead', 1));
const settings = { freezeRule: option('--freeze-rule', 'motion'), motionMinArea: MOTION_MIN_AREA, masks: [], thresholds: {} };
const judge = new FreezeJudge();

const thumbnailsDir = path.join(deviceDir, 'thumbnails');
const names = (await readdir(thumbnailsDir)).filter((n) => /^capture_\d{9}_thumbnail\.jpg$/.test(n)).sort();

const ring = new FreezeRing();
const counts = { frames: 0, errors: 0, blackscreen: 0, zap: 0, freeze: 0 };
const pending = [];
let next = 0;
const started = performance.now();
while (counts.frames + counts.errors < names.length) {
  while (pending.length < readAhead && next < names.length) {
    pending.push(loadGrayImage(path.join(thumbnailsDir, names[next++]), THUMBNAIL_SIZE).catch((err) => err));
  }
  const frame = await pending.shift();
  if (frame instanceof Error) {
    counts.errors++;
    continue;
  }
  const black = detectBlackscreen(frame);
  const zap = detectZap(frame, black);
  const freeze = judge.detect(frame, ring.previous(), settings);
  ring.push(frame);
  counts.frames++;
  if (black.detected) counts.blackscreen++;
  if (zap.detected) counts.zap++;
  if (freeze.detected) counts.freeze++;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(); // whole process since start, libvips' threads included
process.stdout.write(
  `${JSON.stringify({
    ...counts,
    readAhead,
    freezeRule: settings.freezeRule,
    loopSeconds: seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);

#!/usr/bin/env node
// Memory of `vpt monitor --replay` over a long capture (issue 3: replaying
// 20,000 frames keeps RSS under 150 MB). A measurement, not a test: it prints
// figures (part of `npm run bench`). Usage: node bench/replay-rss.bench.mjs [frames=20000] [--keep]
//
// The capture has the farm's shape (5 fps, 1280x720 MJPEG captures, 320x180
// nearest-neighbour thumbnails) with moving, held, black and banner episodes.
// 2,000 distinct frames are encoded once and hard-linked under the following
// sequence numbers, so every one of the N frames is a real file that vpt
// opens, decodes, analyses and writes JSON for, without N encodes.
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, generateCapture } from './lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRAMES = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20_000);
const KEEP = process.argv.includes('--keep');
const FPS = 5;
const UNIQUE = Math.min(2_000, FRAMES);
const BUDGET_MB = 150;
const SAMPLE_MS = 100;

const root = mkdtempSync(path.join(tmpdir(), 'vpt-bench-rss-'));
const device = path.join(root, 'capture1');
const captures = path.join(device, 'captures');
const thumbnails = path.join(device, 'thumbnails');
mkdirSync(captures, { recursive: true });
mkdirSync(thumbnails, { recursive: true });
const stem = (n) => `capture_${String(n).padStart(9, '0')}`;

function generate() {
  generateCapture({ captures, thumbnails, frames: UNIQUE, fps: FPS });
  for (let n = UNIQUE; n < FRAMES; n++) {
    const from = n % UNIQUE;
    linkSync(path.join(captures, `${stem(from)}.jpg`), path.join(captures, `${stem(n)}.jpg`));
    linkSync(path.join(thumbnails, `${stem(from)}_thumbnail.jpg`), path.join(thumbnails, `${stem(n)}_thumbnail.jpg`));
  }
  const t0 = new Date(Date.now() - (FRAMES / FPS) * 1000 - 60_000);
  utimesSync(path.join(captures, `${stem(0)}.jpg`), t0, t0);
}

function statusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function measure() {
  const args = [path.join(REPO, 'bin', 'vpt'), 'monitor', '--replay', '--stream-root', root, '--json'];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const samples = [];
  let hwm = 0;
  const timer = setInterval(() => {
    const rss = statusKb(child.pid, 'VmRSS');
    const peak = statusKb(child.pid, 'VmHWM');
    if (rss !== undefined) samples.push({ t: performance.now() - started, rss });
    if (peak !== undefined) hwm = Math.max(hwm, peak);
  }, SAMPLE_MS);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  return { code, stdout, stderr, samples, hwmKb: hwm, wallMs: performance.now() - started };
}

try {
  const genStart = performance.now();
  generate();
  const files = readdirSync(captures).length;
  console.log(`# capture: ${files} frames (${UNIQUE} distinct, hard-linked), generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s`);
  const r = await measure();
  if (r.code !== 0) {
    console.error(`vpt exited ${r.code}: ${r.stderr}`);
    process.exitCode = 1;
  } else {
    const summary = JSON.parse(r.stdout);
    const mb = (kb) => (kb / 1024).toFixed(1);
    const at = (fraction) => r.samples[Math.min(r.samples.length - 1, Math.floor(r.samples.length * fraction))]?.rss ?? 0;
    const d = summary.devices[0];
    console.log(`# replay: ${summary.frames} frames in ${(r.wallMs / 1000).toFixed(1)} s wall, ${d.events.length} events, ${d.zaps.length} zaps`);
    console.log(`# rss MB at 10/25/50/75/100% of the run: ${[0.1, 0.25, 0.5, 0.75, 0.999].map((f) => mb(at(f))).join(' / ')}`);
    figure('replay-peak-rss-mb', r.hwmKb / 1024, 'MB', { name: 'budget', value: BUDGET_MB }, `VmHWM over ${summary.frames} frames`);
    // frames_per_second since issue 28 (snake_case summary); framesPerSecond before it.
    figure('replay-long-fps', summary.frames_per_second ?? summary.framesPerSecond, 'frames/s', undefined, 'analysis rate of the same replay');
    if (r.hwmKb / 1024 >= BUDGET_MB) process.exitCode = 1;
  }
} finally {
  if (KEEP) console.log(`# kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

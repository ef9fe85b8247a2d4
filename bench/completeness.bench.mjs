// Issue 21: what the live watcher's completeness check (src/core/live/frame-completeness.ts) costs per
// frame: the capture and its thumbnail each opened, fstat'ed, their last 2 bytes read and closed,
// as for a frame that is already whole (the common case; a frame written in place is re-read a few
// ms later, once). CPU µs per frame (user+sys of this process, median of rounds) against one
// fs.promises.stat of the capture (what the watcher does per frame anyway), in the same run.
// Usage: node bench/completeness.bench.mjs [frames] (default 200; npm run bench -- completeness)
import { promises as fs } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, generateCapture, median } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { waitUntilComplete } = await import(path.join(ROOT, 'dist', 'core', 'live', 'frame-completeness.js'));
const FRAMES = Number(process.argv[2] ?? 200);
const ROUNDS = 9;

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpt-bench-complete-'));
try {
  const captures = path.join(dir, 'captures');
  const thumbnails = path.join(dir, 'thumbnails');
  mkdirSync(captures);
  mkdirSync(thumbnails);
  generateCapture({ captures, thumbnails, frames: FRAMES });
  const name = (i) => `capture_${String(i).padStart(9, '0')}`;
  const files = Array.from({ length: FRAMES }, (_, i) => [
    { path: path.join(captures, `${name(i)}.jpg`), waitIfMissing: false },
    { path: path.join(thumbnails, `${name(i)}_thumbnail.jpg`), waitIfMissing: true },
  ]);
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const perFrame = async (work) => {
    const rounds = [];
    for (let r = 0; r < ROUNDS + 1; r++) {
      const before = cpuUs();
      for (const f of files) await work(f);
      if (r > 0) rounds.push((cpuUs() - before) / FRAMES); // the first round warms the page cache and the JIT
    }
    return median(rounds);
  };
  let incomplete = 0;
  const check = await perFrame(async (f) => {
    if (!(await waitUntilComplete(f, 0)).complete) incomplete++;
  });
  if (incomplete > 0) throw new Error(`${incomplete} whole frames were called incomplete`);
  const stat = await perFrame((f) => fs.stat(f[0].path));
  figure('completeness check', check, 'µs CPU/frame', { name: 'stat', value: stat }, `capture + thumbnail, ${FRAMES} frames, median of ${ROUNDS} rounds`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

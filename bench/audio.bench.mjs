#!/usr/bin/env node
// Audio heard continuously (one ffmpeg per device, every segment once):
// 1. `vpt monitor --replay` of a capture with audio segments against the same replay with --no-audio
//    (goal: at most 1.5x), medians of --runs interleaved runs, whole processes.
// 2. Live: 4 devices fed in real time (5 fps frames, one 1 s segment a second) for --seconds, the
//    monitor's CPU (its own and its ffmpeg children's, /usr/bin/time) with audio against --no-audio:
//    the audio's share of one core per device (goal: at most 2%), and the peak RSS of both runs.
// Usage: node bench/audio.bench.mjs [--frames N] [--runs N] [--seconds N]
import { execa } from 'execa';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, generateCapture, median } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VPT = path.join(ROOT, 'bin', 'vpt');
const FPS = 5;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const FRAMES = option('--frames', 1300);
const RUNS = option('--runs', 3);
const SECONDS = option('--seconds', 40);
const LIVE_DEVICES = 4;
const OUT = path.join(ROOT, 'bench', 'out', `audio-${FRAMES}`);
const DEVICE = path.join(OUT, 'stream', 'capture1');

/** Frames in the farm's shape plus 1 s HLS-style segments of a tone with silences, as long as the frames. Cached under bench/out/. */
async function makeCapture() {
  if (await exists(path.join(OUT, 'complete'))) return;
  await rm(OUT, { recursive: true, force: true });
  const captures = path.join(DEVICE, 'captures');
  const thumbnails = path.join(DEVICE, 'thumbnails');
  const segments = path.join(DEVICE, 'segments');
  for (const d of [captures, thumbnails, segments]) await mkdir(d, { recursive: true });
  process.stderr.write(`generating ${FRAMES} frames and their segments in ${DEVICE} (cached for next runs)...\n`);
  generateCapture({ captures, thumbnails, frames: FRAMES, fps: FPS });
  const seconds = FRAMES / FPS;
  // A tone with a 10 s silence every 60 s.
  const tone = `sine=frequency=440:sample_rate=48000:duration=${seconds},volume=enable='lt(mod(t,60),10)':volume=0`;
  await execa('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=${FPS}:duration=${seconds}`, '-f', 'lavfi', '-i', tone],
    ...['-map', '0:v', '-map', '1:a', '-c:v', 'mpeg2video', '-g', String(FPS), '-c:a', 'aac', '-shortest'],
    ...['-f', 'segment', '-segment_time', '1', '-segment_format', 'mpegts', path.join(segments, 'segment_%09d.ts')],
  ]);
  await execa('touch', [path.join(OUT, 'complete')]);
}

async function replaySeconds(extra) {
  const started = performance.now();
  await execa(VPT, ['monitor', '--replay', '--stream-root', path.join(OUT, 'stream'), '--devices', 'capture1', '--json', ...extra], { timeout: 600_000 });
  return (performance.now() - started) / 1000;
}

/** Copies frames and segments into LIVE_DEVICES device folders in real time; returns when SECONDS have passed. */
async function feedLive(stream) {
  const src = DEVICE;
  const names = (await readdir(path.join(src, 'captures'))).sort();
  const started = Date.now();
  for (let frame = 0; frame < SECONDS * FPS; frame++) {
    const due = started + (frame * 1000) / FPS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const name = names[frame % names.length];
    for (let d = 1; d <= LIVE_DEVICES; d++) {
      const dir = path.join(stream, `capture${d}`);
      const seq = String(frame).padStart(9, '0');
      // The farm's writers rename into place.
      await copyFile(path.join(src, 'thumbnails', name.replace('.jpg', '_thumbnail.jpg')), path.join(dir, 'thumbnails', `.tmp`));
      await rename(path.join(dir, 'thumbnails', '.tmp'), path.join(dir, 'thumbnails', `capture_${seq}_thumbnail.jpg`));
      await copyFile(path.join(src, 'captures', name), path.join(dir, 'captures', '.tmp'));
      await rename(path.join(dir, 'captures', '.tmp'), path.join(dir, 'captures', `capture_${seq}.jpg`));
      if (frame % FPS === 0) {
        const segment = `segment_${String(frame / FPS).padStart(9, '0')}.ts`;
        await copyFile(path.join(src, 'segments', segment), path.join(dir, 'segments', segment));
      }
    }
  }
}

/** One live run: CPU seconds (monitor + reaped children) and peak RSS (KB) from /usr/bin/time. */
async function liveRun(extra) {
  const work = path.join(OUT, `live-${extra.length ? 'noaudio' : 'audio'}`);
  await rm(work, { recursive: true, force: true });
  const stream = path.join(work, 'stream');
  for (let d = 1; d <= LIVE_DEVICES; d++)
    for (const f of ['captures', 'thumbnails', 'segments']) await mkdir(path.join(stream, `capture${d}`, f), { recursive: true });
  const child = execa(
    '/usr/bin/time',
    ['-f', 'TIME %U %S %M', VPT, 'monitor', '--stream-root', stream, '--state-dir', path.join(work, 'state'), '--listen', 'off', '--json', ...extra],
    { reject: false, env: { TMPDIR: work } },
  );
  await new Promise((r) => setTimeout(r, 1500));
  await feedLive(stream);
  // GNU time does not pass signals on: stop the monitor itself, then time prints its figures.
  const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
  const vpt = Number(children.trim().split(' ')[0]);
  const ffmpegRssMb = await childrenRssMb(vpt);
  process.kill(vpt, 'SIGTERM');
  const result = await child;
  const line = result.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (!line) throw new Error(`no /usr/bin/time line: ${result.stderr.slice(-500)}`);
  const [, user, sys, maxKb] = line.split(' ');
  return { cpu: Number(user) + Number(sys), rssMb: Number(maxKb) / 1024, ffmpegRssMb };
}

/**
 * The memory of a process's children (the level streams' ffmpeg), in MB each: RSS, and the private part
 * (most of an ffmpeg's RSS is its shared libraries, mapped once for all devices).
 */
async function childrenRssMb(pid) {
  const list = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(' ').filter(Boolean);
  const out = [];
  for (const child of list) {
    const rollup = await readFile(`/proc/${child}/smaps_rollup`, 'utf8').catch(() => '');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
    if (rollup) out.push({ rss: kb('Rss') / 1024, private: (kb('Private_Clean') + kb('Private_Dirty')) / 1024 });
  }
  return out;
}

async function exists(file) {
  return stat(file).then(
    () => true,
    () => false,
  );
}

await makeCapture();
const withAudio = [];
const noAudio = [];
for (let i = 0; i < RUNS; i++) {
  withAudio.push(await replaySeconds([]));
  noAudio.push(await replaySeconds(['--no-audio']));
}
figure(
  'replay-with-audio',
  median(withAudio),
  's',
  { name: 'replay --no-audio', value: median(noAudio) },
  `${FRAMES} frames, ${FRAMES / FPS} segments; goal ratio <= 1.5`,
);

const audioRun = await liveRun([]);
const silentRun = await liveRun(['--no-audio']);
const share = ((audioRun.cpu - silentRun.cpu) / (SECONDS * LIVE_DEVICES)) * 100;
figure(
  'live-audio-cpu-per-device',
  share,
  '% of a core',
  undefined,
  `${LIVE_DEVICES} devices, ${SECONDS} s real time; monitor CPU ${audioRun.cpu.toFixed(2)} s with audio, ${silentRun.cpu.toFixed(2)} s without; goal <= 2%`,
);
figure('live-peak-rss-with-audio', audioRun.rssMb, 'MB', { name: '--no-audio', value: silentRun.rssMb, unit: 'MB' }, 'the monitor process');
const perFfmpeg = audioRun.ffmpegRssMb;
const largest = (key) => Math.max(0, ...perFfmpeg.map((m) => m[key]));
figure(
  'live-ffmpeg-private-per-device',
  largest('private'),
  'MB',
  undefined,
  `${perFfmpeg.length} level streams, largest; RSS ${largest('rss').toFixed(1)} MB with the shared libraries`,
);

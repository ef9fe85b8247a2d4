#!/usr/bin/env node
// Detector throughput: vpt's per-frame work (bench/detect-node.mjs) against the same algorithm in
// Python + OpenCV (bench/detect_opencv.py), whole processes, same frames, same run.
// Prints frames/s per whole process (wall clock, start-up included; median of --runs interleaved runs) and frames per
// CPU-second. Needs ffmpeg; installs Debian's python3-opencv with apt-get when /usr/bin/python3 lacks cv2.
// Usage: node bench/detect.bench.mjs [--frames N] [--runs N]   (npm run bench:detect)
import { execa } from 'execa';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3'; // Debian's python3-opencv is installed for the system Python, not pyenv's
const FPS = 5;
const READ_AHEAD = 4;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const FRAMES = option('--frames', 3000);
const RUNS = option('--runs', 3);
const STREAM_ROOT = path.join(ROOT, 'bench', 'out', `detect-${FRAMES}`);
const DEVICE_DIR = path.join(STREAM_ROOT, 'capture1');
const TIMEOUT_MS = 30 * 60_000;

/**
 * The farm's shape: 1280x720 mjpeg captures at q:v 5 and 320x180 nearest-neighbour thumbnails, fps 5,
 * written atomically. Content: testsrc2 (moving), a black stretch, a black stretch with a banner
 * (a zap), and a held picture (tpad clones one frame). Cached under bench/out/ (gitignored).
 */
async function makeCapture() {
  const marker = path.join(DEVICE_DIR, 'complete');
  if (await exists(marker)) return;
  await rm(STREAM_ROOT, { recursive: true, force: true });
  const tmp = `${STREAM_ROOT}.partial`;
  await rm(tmp, { recursive: true, force: true });
  const device = path.join(tmp, 'capture1');
  await mkdir(path.join(device, 'captures'), { recursive: true });
  await mkdir(path.join(device, 'thumbnails'), { recursive: true });
  const seconds = FRAMES / FPS;
  const at = (share) => Math.round(seconds * share);
  const black = `between(t,${at(0.15)},${at(0.2)})+between(t,${at(0.5)},${at(0.52)})`;
  const banner = `between(t,${at(0.5)},${at(0.52)})`;
  const filter = [
    `[0:v]split[s0][s1]`,
    `[s0]trim=end=${at(0.7)},setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=${at(0.05)}[a]`,
    `[s1]trim=start=${at(0.75)},setpts=PTS-STARTPTS[b]`,
    [
      `[a][b]concat=n=2:v=1,trim=end_frame=${FRAMES}`,
      `drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='${black}'`,
      ...bannerBoxes(banner),
      'format=yuvj422p,split[c][t]',
    ].join(','),
    '[t]scale=320:180:flags=neighbor[th]',
  ].join(';');
  const source = `testsrc2=s=1280x720:r=${FPS}:d=${seconds}`;
  process.stderr.write(`generating ${FRAMES} frames in ${DEVICE_DIR} (cached for next runs)...\n`);
  await execa(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      source,
      '-filter_complex',
      filter,
      '-map',
      '[c]',
      '-q:v',
      '5',
      '-f',
      'image2',
      '-atomic_writing',
      '1',
      path.join(device, 'captures', 'capture_%09d.jpg'),
      '-map',
      '[th]',
      '-q:v',
      '5',
      '-f',
      'image2',
      '-atomic_writing',
      '1',
      path.join(device, 'thumbnails', 'capture_%09d_thumbnail.jpg'),
    ],
    { timeout: TIMEOUT_MS },
  );
  await writeFile(path.join(device, 'complete'), `${FRAMES}\n`);
  await rename(tmp, STREAM_ROOT);
}

/** A channel banner drawn as 3 rows of 24 small boxes (text-like: ~6% edge pixels in the thumbnail's bottom band). */
function bannerBoxes(enable) {
  const boxes = [];
  for (let row = 0; row < 3; row++) {
    for (let i = 0; i < 24; i++) {
      boxes.push(`drawbox=x=${140 + i * 40}:y=${560 + row * 40}:w=20:h=16:color=white:t=fill:enable='${enable}'`);
    }
  }
  return boxes;
}

async function exists(file) {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Run a whole process; frames/s over its wall time, start-up included. */
async function timeProcess(command, commandArgs) {
  const started = performance.now();
  const result = await execa(command, commandArgs, { timeout: TIMEOUT_MS });
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(result.stdout.trim().split('\n').pop());
  return { fps: report.frames / seconds, seconds, report };
}

/** Median of RUNS runs of each contender, interleaved so that load from other jobs on the machine hits all alike. */
async function medians(contenders) {
  const results = contenders.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, contender] of contenders.entries()) results[k].push(await contender.run());
  }
  return contenders.map((contender, k) => {
    const runs = results[k].sort((a, b) => a.fps - b.fps);
    const middle = runs[Math.floor(runs.length / 2)];
    process.stderr.write(`  ${contender.label}: ${runs.map((r) => r.fps.toFixed(0)).join(', ')} frames/s; ${JSON.stringify(middle.report)}\n`);
    return middle;
  });
}

/** The Python + OpenCV measuring stick, installing Debian's python3-opencv when it is missing. */
async function ensureOpenCv() {
  const probe = await execa(PYTHON, ['-c', 'import cv2'], { reject: false });
  if (probe.exitCode === 0) return;
  process.stderr.write('installing python3-opencv with apt-get (the baseline needs it)...\n');
  await execa('apt-get', ['install', '-y', '-q', 'python3-opencv'], { timeout: TIMEOUT_MS, env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

const REPLAY_ARGS = ['monitor', '--replay', '--stream-root', STREAM_ROOT, '--devices', 'capture1', '--no-audio', '--json', '-q'];
const VPT = path.join(ROOT, 'bin', 'vpt');

/**
 * Why `vpt monitor --replay` cannot run here (undefined when it can): the bench runs on both sides of
 * the merge that brought the command.
 */
async function monitorReplayMissing() {
  const probe = await execa(VPT, [...REPLAY_ARGS, '--help'], { reject: false });
  return probe.exitCode === 0 ? undefined : (probe.stderr || probe.stdout).split('\n')[0] || `exit ${probe.exitCode}`;
}

/** `vpt monitor --replay` over the same capture, whole process: frames/s over its wall time, start-up included. */
async function timeMonitorReplay() {
  const started = performance.now();
  const result = await execa(VPT, REPLAY_ARGS, { timeout: TIMEOUT_MS });
  const seconds = (performance.now() - started) / 1000;
  const summary = JSON.parse(result.stdout);
  // elapsed_ms since the snake_case summary (issue 28); elapsedMs on the other side of that merge.
  return {
    fps: FRAMES / seconds,
    seconds,
    report: { frames: summary.frames, errors: summary.errors, elapsedMs: Math.round(summary.elapsed_ms ?? summary.elapsedMs) },
  };
}

/** Repetitions of the freeze step per case: enough for a stable ns/frame, a couple of seconds in all. */
const FREEZE_STEP_REPS = 2000;

/**
 * The freeze step alone, per frame, in this process: the seed rule (before issue 13) against the motion
 * rule (after), on a frozen picture (every comparison made: the worst case) and a fully moving one
 * (testsrc2: the early exit after the first comparison). Thumbnails from the generated capture.
 */
async function freezeStep() {
  const dist = path.join(ROOT, 'dist', 'core');
  const { loadGrayImage } = await import(path.join(dist, 'frames/image-loader.js'));
  const { FreezeJudge, MOTION_MIN_AREA } = await import(path.join(dist, 'detectors/freeze-judge.js'));
  const { detectFreeze } = await import(path.join(dist, 'detectors/freeze.js'));
  const thumb = (seq) =>
    loadGrayImage(path.join(DEVICE_DIR, 'thumbnails', `capture_${String(seq).padStart(9, '0')}_thumbnail.jpg`), { width: 320, height: 180 });
  const moving = await Promise.all([10, 9, 8, 7].map(thumb));
  const held = await thumb(Math.round(FRAMES * 0.72));
  const cases = { frozen: [held, [held, held, held]], moving: [moving[0], moving.slice(1)] };
  const rules = {
    seed: (current, previous) => detectFreeze(current, previous),
    motion: (() => {
      const judge = new FreezeJudge();
      const settings = { freezeRule: 'motion', motionMinArea: MOTION_MIN_AREA, masks: [], thresholds: {} };
      return (current, previous) => judge.detect(current, previous, settings);
    })(),
  };
  for (const [name, [current, previous]] of Object.entries(cases)) {
    const line = [];
    for (const [rule, detect] of Object.entries(rules)) {
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < FREEZE_STEP_REPS; i++) detect(current, previous);
        runs.push(Number(process.hrtime.bigint() - started) / FREEZE_STEP_REPS / 1000);
      }
      const verdict = detect(current, previous);
      line.push(
        `${rule} ${runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)].toFixed(1)} us (${verdict.diffs.length} comparisons, ${verdict.detected ? 'frozen' : 'not frozen'})`,
      );
    }
    process.stdout.write(`freeze-step ${name}: ${line.join('  ')}\n`);
  }
}

async function main() {
  await execa(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')]);
  await makeCapture();
  await freezeStep();
  await ensureOpenCv();
  const nodeDriver = path.join(ROOT, 'bench', 'detect-node.mjs');
  const pythonDriver = path.join(ROOT, 'bench', 'detect_opencv.py');
  process.stderr.write(`${FRAMES} frames, median of ${RUNS} whole-process runs each (shared machine: other jobs may be running)\n`);
  // The replay is one more contender in the same interleaved rounds: measured after the baseline's runs, its
  // ratio swung with whatever load came and went in between. Its runs after the first merge into the
  // per-frame JSON the previous run left, as a replay over a live monitor's folder does.
  const replayMissing = await monitorReplayMissing();
  const [sequential, readAhead, baseline, replay] = await medians([
    { label: 'node, one decode at a time', run: () => timeProcess(process.execPath, [nodeDriver, DEVICE_DIR]) },
    {
      label: `node, ${READ_AHEAD} decodes in flight`,
      run: () => timeProcess(process.execPath, [nodeDriver, DEVICE_DIR, '--read-ahead', String(READ_AHEAD)]),
    },
    { label: 'python-opencv', run: () => timeProcess(PYTHON, [pythonDriver, DEVICE_DIR]) },
    ...(replayMissing === undefined ? [{ label: 'vpt monitor --replay', run: timeMonitorReplay }] : []),
  ]);
  const line = (label, r) =>
    `detect-fps${label} ${r.fps.toFixed(0)} frames/s  baseline(python-opencv) ${baseline.fps.toFixed(0)} frames/s  ratio ${(r.fps / baseline.fps).toFixed(2)}`;
  process.stdout.write(`${line('', sequential)}\n`);
  process.stdout.write(`${line(`(read-ahead ${READ_AHEAD})`, readAhead)}\n`);
  // Frames per CPU-second of the whole process: what a busy or shared host can afford, less sensitive to other load.
  const cpuFps = (r) => r.report.frames / r.report.cpuSeconds;
  process.stdout.write(
    `detect-cpu-fps ${cpuFps(sequential).toFixed(0)} frames/cpu-s  baseline(python-opencv) ${cpuFps(baseline).toFixed(0)} frames/cpu-s  ratio ${(cpuFps(sequential) / cpuFps(baseline)).toFixed(2)}\n`,
  );
  process.stdout.write(
    replay === undefined
      ? `monitor-replay-fps n/a (${replayMissing})\n`
      : `monitor-replay-fps ${replay.fps.toFixed(0)} frames/s  baseline(python-opencv) ${baseline.fps.toFixed(0)} frames/s  ratio ${(replay.fps / baseline.fps).toFixed(2)}\n`,
  );
}

await main();

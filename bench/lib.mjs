// Shared helpers for the benchmarks: whole-process timing and one-line figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Run a whole command `runs` times (after `warmup` runs); returns the median wall time. */
export function timeCommand(command, args, { runs = 9, env, warmup = 1 } = {}) {
  const walls = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.error) throw result.error;
    if (i >= warmup) walls.push(wall);
  }
  return { wallMs: median(walls), runs };
}

/**
 * One figure per line, the shape bench/run.mjs gathers into its summary:
 * `name  value unit  baseline(<name>) value unit  ratio r  (note)`; ratio = value / baseline.
 */
export function figure(name, value, unit, baseline, note) {
  const parts = [`${name.padEnd(28)} ${formatValue(value).padStart(9)} ${unit}`];
  if (baseline) {
    parts.push(`baseline(${baseline.name}) ${formatValue(baseline.value)} ${baseline.unit ?? unit}`);
    parts.push(`ratio ${(value / baseline.value).toFixed(2)}`);
  }
  if (note) parts.push(`(${note})`);
  console.log(parts.join('  '));
}

const formatValue = (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2));

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/**
 * Encode `frames` frames in the farm's shape with ffmpeg's lavfi sources:
 * 1280x720 MJPEG captures and 320x180 nearest-neighbour thumbnails at `fps`,
 * written the way the farm's ffmpeg writes them (image2, atomic writing),
 * numbered from 0. A 100 s cycle repeats: moving 40 s, a held picture 12 s,
 * moving 20 s, black 8 s, moving 10 s, black with a channel banner 3 s,
 * moving 7 s.
 */
export function generateCapture({ captures, thumbnails, frames, fps = 5 }) {
  const size = `s=1280x720:r=${fps}`;
  const banner = existsSync(FONT)
    ? `drawbox=x=iw*0.05:y=ih*0.78:w=iw*0.9:h=ih*0.14:color=0x303030:t=fill,drawtext=fontfile=${FONT}:text='CH 101':fontsize=h/16:fontcolor=white:x=w*0.08:y=h*0.81`
    : 'drawbox=x=iw*0.05:y=ih*0.78:w=iw*0.9:h=ih*0.14:color=0x303030:t=fill,drawbox=x=iw*0.1:y=ih*0.81:w=iw*0.3:h=ih*0.07:color=white:t=fill';
  const cycle = [
    `testsrc2=${size}:d=40`,
    `testsrc=${size}:d=0.2,tpad=stop_mode=clone:stop_duration=11.8`,
    `testsrc2=${size}:d=20`,
    `color=c=black:${size}:d=8`,
    `testsrc2=${size}:d=10`,
    `color=c=black:${size}:d=3,${banner}`,
    `testsrc2=${size}:d=7`,
  ];
  const cycles = Math.ceil(frames / (100 * fps));
  const sources = Array.from({ length: cycles }, () => cycle).flat();
  const inputs = sources.flatMap((s) => ['-f', 'lavfi', '-i', s]);
  const graph =
    sources.map((_, i) => `[${i}:v]format=yuv420p,setsar=1[v${i}];`).join('') +
    `${sources.map((_, i) => `[v${i}]`).join('')}concat=n=${sources.length}:v=1:a=0,trim=end_frame=${frames},split=2[full][s];[s]scale=320:180:flags=neighbor[thumb]`;
  execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[full]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '6',
      '-f',
      'image2',
      '-atomic_writing',
      '1',
      '-start_number',
      '0',
      path.join(captures, 'capture_%09d.jpg'),
      '-map',
      '[thumb]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '4',
      '-f',
      'image2',
      '-atomic_writing',
      '1',
      '-start_number',
      '0',
      path.join(thumbnails, 'capture_%09d_thumbnail.jpg'),
    ],
    { stdio: 'inherit', timeout: 30 * 60_000 },
  );
}

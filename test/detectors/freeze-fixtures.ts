import { execa } from 'execa';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';

/**
 * The freeze rule's acceptance captures (issue 23), generated at test time
 * with ffmpeg alone, deterministically: every source is a lavfi pattern,
 * every noise filter has a fixed seed, x264 runs single-threaded. Each case
 * is a device folder the farm's way (1280x720 JPEG captures at q:v 5 and
 * 320x180 nearest-neighbour thumbnails, 5 fps) with the per-frame verdicts
 * the monitor must give: `F` frozen / `.` not, and for the fade `B` black.
 * `buildFreezeFixtures(root)` makes every case a device folder of the
 * stream root `root`, ready for `vpt monitor --replay`.
 */

export const FIXTURE_FPS = 5;
const TIMEOUT_MS = 180_000;
/** The still every case starts from: testsrc2's first frame (text, gradients, sharp edges). */
const STILL = 'still.png';
/** A wider still for the pan (1 capture pixel a frame for 40 frames). */
const WIDE = 'wide.png';
const NOISE_SEED = 20_230_623;

/** Gaussian noise of about `sigma` luma levels, new every frame: ffmpeg's noise filter draws sigma = strength / sqrt(3). */
const noise = (sigma: number, seed = NOISE_SEED): string => `noise=alls=${Math.round(sigma * Math.sqrt(3))}:allf=t:all_seed=${seed}`;

/** A source: ffmpeg input arguments (inside the work folder) plus the filter chain on [0:v]. */
interface Source {
  /** Optional encode before the capture (the x264 or MJPEG link a still travels through): output file and codec arguments. */
  via?: { file: string; args: string[] };
  input: string[];
  /** A filter graph from [0:v] to [v]. */
  graph: string;
}

export interface FreezeCase {
  name: string;
  frames: number;
  /** Expected per-frame freeze verdicts, one character per frame. */
  freeze: string;
  /** Expected per-frame blackscreen verdicts where the case is about black (the fade). */
  black?: string;
  source: Source;
}

const chain = (filters: string): string => `[0:v]${filters}[v]`;
const still = (graph = chain('null')): Source => ({ input: ['-loop', '1', '-framerate', String(FIXTURE_FPS), '-i', STILL], graph });
/** A still through an encoder first (grain of sigma 1, as an HDMI source has, so the encoder has something to redo). */
const encoded = (file: string, args: string[]): Source => ({
  via: { file, args },
  input: ['-i', file],
  graph: chain('null'),
});

/** Frozen from the third frame on: the first two have fewer than 2 previous thumbnails to compare with. */
const frozenFrom2 = (frames: number): string => `..${'F'.repeat(frames - 2)}`;
const moving = (frames: number): string => '.'.repeat(frames);

/** A spinner of 40x40 capture pixels (10x10 on the thumbnail): a ring whose bright quarter turns 60 degrees a frame. */
const SPINNER =
  "color=c=gray:s=40x40:r=5,format=gray,geq=lum='if(between(hypot(X-20,Y-20),12,20),if(lt(mod(atan2(Y-20,X-20)+4*PI-N*PI/3,2*PI),PI/2),250,40),128)'[s];[0:v][s]overlay=x=620:y=340[v]";
/** A ticker 4 capture rows tall (one thumbnail row), text-like dashes sliding 8 px a frame. */
const TICKER = "color=c=black:s=2560x4:r=5,format=gray,geq=lum='if(lt(mod(X*7+floor(X/23)*13,29),11),230,20)'[k];[0:v][k]overlay=x='-8*n':y=640[v]";
/** The bright busy scene's length before the dark one (frames). */
export const BRIGHT_FRAMES = 25;
/** The fade: still frames, fade frames, then black. */
const FADE = { still: 6, fade: 15, black: 10 } as const;

export const FREEZE_CASES: readonly FreezeCase[] = [
  {
    name: 'x264',
    frames: 40,
    freeze: frozenFrom2(40),
    source: encoded('x264.mp4', [
      '-vf',
      noise(1),
      '-c:v',
      'libx264',
      '-threads',
      '1',
      '-preset',
      'veryfast',
      '-crf',
      '28',
      '-g',
      '8',
      '-keyint_min',
      '8',
      '-sc_threshold',
      '0',
      '-bf',
      '0',
      '-pix_fmt',
      'yuv420p',
    ]),
  },
  {
    name: 'mjpeg-q2',
    frames: 40,
    freeze: frozenFrom2(40),
    source: encoded('mjpeg-q2.avi', ['-vf', noise(1), '-c:v', 'mjpeg', '-q:v', '2']),
  },
  {
    name: 'mjpeg-q24',
    frames: 40,
    freeze: frozenFrom2(40),
    source: encoded('mjpeg-q24.avi', ['-vf', noise(1), '-c:v', 'mjpeg', '-q:v', '24']),
  },
  { name: 'noise2', frames: 40, freeze: frozenFrom2(40), source: still(chain(noise(2))) },
  { name: 'noise4', frames: 40, freeze: frozenFrom2(40), source: still(chain(noise(4))) },
  { name: 'noise8', frames: 40, freeze: frozenFrom2(40), source: still(chain(noise(8))) },
  {
    name: 'gain',
    frames: 40,
    freeze: frozenFrom2(40),
    // +-3 levels at white (235): a gain of 1 +- 3/235, a different one every frame.
    source: still(chain("format=yuv444p,geq=lum='p(X,Y)*(1+3/235*sin(N*2.3))':cb='p(X,Y)':cr='p(X,Y)'")),
  },
  { name: 'spinner', frames: 40, freeze: moving(40), source: still(SPINNER) },
  { name: 'ticker', frames: 40, freeze: moving(40), source: still(TICKER) },
  {
    name: 'dark-after-bright',
    frames: 50,
    freeze: moving(50),
    // testsrc2 moving at full contrast, then testsrc2 again from its start squeezed into levels 10-30 (its motion 10-20 levels).
    source: {
      input: ['-f', 'lavfi', '-i', `testsrc2=s=1280x720:r=${FIXTURE_FPS}`],
      graph: [
        `[0:v]format=yuv420p,split[a][b]`,
        `[a]trim=end_frame=${BRIGHT_FRAMES}[bright]`,
        `[b]trim=end_frame=${50 - BRIGHT_FRAMES},lutyuv=y='10+(val-16)*20/219'[dark]`,
        `[bright][dark]concat=n=2:v=1[v]`,
      ].join(';'),
    },
  },
  {
    name: 'pan',
    frames: 40,
    freeze: moving(40),
    source: { input: ['-loop', '1', '-framerate', String(FIXTURE_FPS), '-i', WIDE], graph: chain("format=yuv444p,crop=1280:720:x='n':y=0:exact=1") },
  },
  {
    name: 'fade',
    frames: FADE.still + FADE.fade + FADE.black,
    // The fade's first frame is still the full picture: frozen too.
    freeze: `..${'F'.repeat(FADE.still - 1)}${'.'.repeat(FADE.fade + FADE.black - 1)}`,
    black: `${'.'.repeat(FADE.still + FADE.fade)}${'B'.repeat(FADE.black)}`,
    source: still(chain(`fade=t=out:st=${FADE.still / FIXTURE_FPS}:d=${FADE.fade / FIXTURE_FPS}`)),
  },
];

async function ffmpeg(cwd: string, args: string[]): Promise<void> {
  await execa('ffmpeg', ['-v', 'error', '-y', '-nostdin', ...args], { cwd, timeout: TIMEOUT_MS });
}

/** One case's device folder under `root`: captures and thumbnails, mtimes on the 5 fps clock from an hour ago. */
async function buildCase(root: string, work: string, c: FreezeCase): Promise<void> {
  const device = path.join(root, c.name);
  await mkdir(path.join(device, 'captures'), { recursive: true });
  await mkdir(path.join(device, 'thumbnails'), { recursive: true });
  if (c.source.via) {
    await ffmpeg(work, ['-loop', '1', '-framerate', String(FIXTURE_FPS), '-i', STILL, '-frames:v', String(c.frames), ...c.source.via.args, c.source.via.file]);
  }
  const graph = `${c.source.graph};[v]format=yuvj422p,split[c][t];[t]scale=320:180:flags=neighbor[th]`;
  await ffmpeg(work, [
    ...c.source.input,
    '-filter_threads',
    '1',
    '-filter_complex',
    graph,
    '-map',
    '[c]',
    '-frames:v',
    String(c.frames),
    '-q:v',
    '5',
    '-start_number',
    '0',
    path.join(device, 'captures', 'capture_%09d.jpg'),
    '-map',
    '[th]',
    '-frames:v',
    String(c.frames),
    '-q:v',
    '5',
    '-start_number',
    '0',
    path.join(device, 'thumbnails', 'capture_%09d_thumbnail.jpg'),
  ]);
  const t0 = Date.now() - 3_600_000;
  for (const folder of ['captures', 'thumbnails']) {
    for (const name of await readdir(path.join(device, folder))) {
      const when = new Date(t0 + (Number(/\d{9}/.exec(name)![0]) * 1000) / FIXTURE_FPS);
      await utimes(path.join(device, folder, name), when, when);
    }
  }
}

/** Build every case (or those named) as device folders of the stream root `root`. */
export async function buildFreezeFixtures(root: string, names?: readonly string[]): Promise<readonly FreezeCase[]> {
  const work = path.join(root, '.work');
  await mkdir(work, { recursive: true });
  await ffmpeg(work, ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=5', '-frames:v', '1', STILL]);
  await ffmpeg(work, ['-f', 'lavfi', '-i', 'testsrc2=s=1320x720:r=5', '-frames:v', '1', WIDE]);
  const cases = FREEZE_CASES.filter((c) => names === undefined || names.includes(c.name));
  for (const c of cases) await buildCase(root, work, c);
  return cases;
}

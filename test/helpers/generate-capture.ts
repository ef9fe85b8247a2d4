import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';

/**
 * A capture folder made the way the farm's ffmpeg makes it: 5 fps, 1280x720
 * MJPEG captures `captures/capture_%09d.jpg`, 320x180 nearest-neighbour
 * thumbnails `thumbnails/capture_%09d_thumbnail.jpg`, each written under a
 * temporary name and renamed into place (image2's atomic_writing), mtimes on
 * the capture clock. The content follows a script of episodes whose true
 * start and end are returned, so tests can hold the monitor against them.
 */

export type EpisodeKind = 'moving' | 'held' | 'black' | 'banner';

export interface EpisodeSpec {
  kind: EpisodeKind;
  seconds: number;
}

export interface Episode extends EpisodeSpec {
  startS: number;
  endS: number;
}

export interface GeneratedCapture {
  deviceDir: string;
  /** The lossless source video the frames were cut from (for ffmpeg's own detectors). */
  sourcePath: string;
  episodes: Episode[];
  frames: number;
  fps: number;
  firstMtimeMs: number;
}

export const CAPTURE_FPS = 5;
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/**
 * One lavfi source per episode. Moving: testsrc2's colour bars scroll every
 * frame. Held: one frame of `testsrc` cloned (a frozen decoder shows exactly
 * this). Black: black. Banner: black with a channel banner in the bottom 30%
 * (a grey bar with text, or stripes when no font is installed), like a
 * set-top box during a channel change.
 */
function sourceFor(spec: EpisodeSpec, width: number, height: number, fps: number): string {
  const size = `s=${width}x${height}:r=${fps}`;
  switch (spec.kind) {
    case 'moving':
      return `testsrc2=${size}:d=${spec.seconds}`;
    case 'held':
      return `testsrc=${size}:d=${1 / fps},tpad=stop_mode=clone:stop_duration=${spec.seconds - 1 / fps}`;
    case 'black':
      return `color=c=black:${size}:d=${spec.seconds}`;
    case 'banner': {
      const bar = `drawbox=x=iw*0.05:y=ih*0.78:w=iw*0.9:h=ih*0.14:color=0x303030:t=fill`;
      const label = existsSync(FONT)
        ? `drawtext=fontfile=${FONT}:text='BBC ONE  18\\:00 News at Six':fontsize=h/16:fontcolor=white:x=w*0.08:y=h*0.81`
        : Array.from({ length: 12 }, (_, i) => `drawbox=x=iw*${(0.08 + i * 0.07).toFixed(2)}:y=ih*0.81:w=iw*0.03:h=ih*0.07:color=white:t=fill`).join(',');
      return `color=c=black:${size}:d=${spec.seconds},${bar},${label}`;
    }
  }
}

export interface GenerateOptions {
  fps?: number;
  width?: number;
  height?: number;
  /** mtime of frame 0 (default: now minus the capture's length). */
  firstMtimeMs?: number;
  /** MJPEG quality of the captures (ffmpeg -q:v, 2 best .. 31). */
  quality?: number;
  timeoutMs?: number;
}

export async function generateCapture(deviceDir: string, script: readonly EpisodeSpec[], options: GenerateOptions = {}): Promise<GeneratedCapture> {
  const fps = options.fps ?? CAPTURE_FPS;
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const episodes: Episode[] = [];
  let t = 0;
  for (const spec of script) {
    episodes.push({ ...spec, startS: t, endS: t + spec.seconds });
    t += spec.seconds;
  }
  const captures = path.join(deviceDir, 'captures');
  const thumbnails = path.join(deviceDir, 'thumbnails');
  await mkdir(captures, { recursive: true });
  await mkdir(thumbnails, { recursive: true });
  const sourcePath = path.join(deviceDir, 'source.mkv');
  const inputs = script.flatMap((spec) => ['-f', 'lavfi', '-i', sourceFor(spec, width, height, fps)]);
  const concat = `${script.map((_, i) => `[${i}:v]format=yuv420p,setsar=1[v${i}];`).join('')}${script.map((_, i) => `[v${i}]`).join('')}concat=n=${script.length}:v=1:a=0[out]`;
  const timeout = options.timeoutMs ?? 120_000;
  // Lossless source: ffmpeg's freezedetect/blackdetect see exactly the scripted pictures.
  await execa('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', concat, '-map', '[out]', '-c:v', 'ffv1', sourcePath], { timeout });
  await execa(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-i',
      sourcePath,
      '-filter_complex',
      `[0:v]split=2[full][small];[small]scale=${width / 4}:${height / 4}:flags=neighbor[thumb]`,
      '-map',
      '[full]',
      '-c:v',
      'mjpeg',
      '-q:v',
      String(options.quality ?? 4),
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
    { timeout },
  );
  const frames = (await readdir(captures)).filter((n) => /^capture_\d{9}\.jpg$/.test(n)).length;
  const firstMtimeMs = options.firstMtimeMs ?? Math.floor(Date.now() / 1000) * 1000 - Math.ceil(t) * 1000 - 60_000;
  for (let seq = 0; seq < frames; seq++) {
    const when = new Date(firstMtimeMs + (seq * 1000) / fps);
    const stem = `capture_${String(seq).padStart(9, '0')}`;
    await utimes(path.join(captures, `${stem}.jpg`), when, when);
    await utimes(path.join(thumbnails, `${stem}_thumbnail.jpg`), when, when);
  }
  return { deviceDir, sourcePath, episodes, frames, fps, firstMtimeMs };
}

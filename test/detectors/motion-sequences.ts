import { execa } from 'execa';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Capture sequences for the freeze rule's acceptance, made the farm's way:
 * ffmpeg (or sharp, for Gaussian noise) draws 1280x720 JPEG captures, and
 * ffmpeg makes each 320x180 thumbnail by nearest-neighbour scaling as the
 * farm's capture pipeline does. The static background is SMPTE HD bars.
 */

export const SEQUENCE_FRAMES = 12;
const FPS = 5;
const stem = (seq: number) => `capture_${String(seq).padStart(9, '0')}`;

/** ffmpeg filter graphs over the static bars (input [0]); `n` is the frame number. */
export const MOTION_GRAPHS = {
  /** A 50x50 white box appearing at frame 1, then moving 20 px per frame. */
  box: "color=c=white:s=50x50:r=5[b];[0][b]overlay=x='100+20*max(0,n-1)':y=300:enable='gte(n,1)'",
  /** A loading spinner of 40 px: a ring whose bright 90-degree arc turns 60 degrees per frame. */
  spinner:
    "color=c=gray:s=40x40:r=5,format=gray,geq=lum='if(between(hypot(X-20,Y-20),12,20),if(lt(mod(atan2(Y-20,X-20)+4*PI-N*PI/3,2*PI),PI/2),250,40),128)'[s];[0][s]overlay=x=620:y=340",
  /** A full-width wipe: a white picture sliding down 2 capture rows per frame. */
  wipe: "color=c=white:s=1280x720:r=5[w];[0][w]overlay=x=0:y='-720+2*(n+1)'",
  /** A ball of 20 px moving 8 px per frame. */
  ball: "color=c=white:s=20x20:r=5,format=yuva420p,geq=lum='235':cb=128:cr=128:a='if(lt(hypot(X-9.5,Y-9.5),10),255,0)'[d];[0][d]overlay=x='400+8*n':y=500",
  /** A 60x30 box moving 10 px per frame inside x 1100-1260, y 20-80 (where a clock would be): masked in the tests. */
  clock: "color=c=white:s=30x30:r=5[c];[0][c]overlay=x='1110+10*mod(n,10)':y=35",
} as const;

async function thumbnails(deviceDir: string): Promise<void> {
  const thumbs = path.join(deviceDir, 'thumbnails');
  await mkdir(thumbs, { recursive: true });
  await execa(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-i',
      path.join(deviceDir, 'captures', 'capture_%09d.jpg'),
      '-start_number',
      '0',
      '-vf',
      'scale=320:180:flags=neighbor',
      '-q:v',
      '3',
      path.join(thumbs, 'capture_%09d_thumbnail.jpg'),
    ],
    { timeout: 120_000 },
  );
  // Frame time: 5 fps from an hour ago (replay reads the first capture's mtime).
  const t0 = Date.now() - 3_600_000;
  for (const name of await readdir(path.join(deviceDir, 'captures'))) {
    const seq = Number(/\d+/.exec(name)![0]);
    const when = new Date(t0 + (seq * 1000) / FPS);
    await utimes(path.join(deviceDir, 'captures', name), when, when);
    await utimes(path.join(thumbs, `${stem(seq)}_thumbnail.jpg`), when, when);
  }
}

/** A device folder whose captures are the bars with `graph` drawn over them, SEQUENCE_FRAMES frames. */
export async function motionDevice(deviceDir: string, graph: string): Promise<void> {
  const captures = path.join(deviceDir, 'captures');
  await mkdir(captures, { recursive: true });
  await execa(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'smptehdbars=s=1280x720:r=5',
      '-filter_complex',
      graph,
      '-frames:v',
      String(SEQUENCE_FRAMES),
      '-start_number',
      '0',
      '-q:v',
      '3',
      path.join(captures, 'capture_%09d.jpg'),
    ],
    { timeout: 120_000 },
  );
  await thumbnails(deviceDir);
}

/** Standard normal samples (Box-Muller), from a seeded generator so a failure can be replayed. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A frozen picture (the real fixture `source`, scaled to 1280x720) with
 * fresh Gaussian noise of `sigma` levels on every channel of every frame,
 * each frame re-encoded as JPEG: what a noisy capture card gives on a still.
 */
export async function noisyFrozenDevice(deviceDir: string, source: string, sigma: number): Promise<void> {
  const captures = path.join(deviceDir, 'captures');
  await mkdir(captures, { recursive: true });
  const { data, info } = await sharp(source).resize(1280, 720, { kernel: 'lanczos3' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const noise = gaussian(12_345);
  const frame = Buffer.alloc(data.length);
  for (let seq = 0; seq < SEQUENCE_FRAMES; seq++) {
    for (let i = 0; i < data.length; i++) frame[i] = Math.max(0, Math.min(255, Math.round(data[i]! + sigma * noise())));
    await sharp(frame, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .jpeg({ quality: 90 })
      .toFile(path.join(captures, `${stem(seq)}.jpg`));
  }
  await thumbnails(deviceDir);
}

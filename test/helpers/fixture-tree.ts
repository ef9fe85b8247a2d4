import { execa } from 'execa';
import { copyFile, mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { REAL_FIXTURES } from './run-vpt.js';

/** Real fixtures by role (see test/fixtures/real). */
export const FIXTURE = {
  zapTv: 'android_tv_blackscreen.jpg',
  zapMobile: 'android_mobile_blackscreen.jpg',
  menu: 'banner.jpg',
  subtitles: 'subtitles_original.jpg',
  nearA: 'almost_freeze1.jpg',
  nearB: 'alsmot_freeze2.jpg',
  frozen: 'freeze_1.jpg',
} as const;

const stem = (seq: number) => `capture_${String(seq).padStart(9, '0')}`;

async function isThumbnailSized(file: string): Promise<boolean> {
  const { stdout } = await execa('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width', '-of', 'csv=p=0', file], {
    timeout: 30_000,
  });
  return stdout.trim() === '320';
}

/**
 * A device folder whose frames are the given real fixtures, in order, from
 * sequence `first`: the real file is used as it is where its size fits
 * (320x180 as the thumbnail, 1280x720 as the capture), and the other file
 * is made from it with nearest-neighbour scaling, as the farm's ffmpeg
 * does. mtimes follow the 5 fps capture clock.
 */
export async function buildFixtureDevice(
  deviceDir: string,
  fixtures: readonly string[],
  options: { first?: number; fps?: number; firstMtimeMs?: number } = {},
): Promise<void> {
  const captures = path.join(deviceDir, 'captures');
  const thumbnails = path.join(deviceDir, 'thumbnails');
  await mkdir(captures, { recursive: true });
  await mkdir(thumbnails, { recursive: true });
  const first = options.first ?? 0;
  const fps = options.fps ?? 5;
  const t0 = options.firstMtimeMs ?? Date.now() - 3_600_000;
  const small = new Map<string, boolean>();
  for (let i = 0; i < fixtures.length; i++) {
    const source = path.join(REAL_FIXTURES, fixtures[i]!);
    if (!small.has(source)) small.set(source, await isThumbnailSized(source));
    const seq = first + i;
    const capture = path.join(captures, `${stem(seq)}.jpg`);
    const thumbnail = path.join(thumbnails, `${stem(seq)}_thumbnail.jpg`);
    const scale = async (to: string, size: string) =>
      execa('ffmpeg', ['-v', 'error', '-y', '-i', source, '-vf', `scale=${size}:flags=neighbor`, '-q:v', '3', to], { timeout: 30_000 });
    if (small.get(source)) {
      await copyFile(source, thumbnail);
      await scale(capture, '1280:720');
    } else {
      await copyFile(source, capture);
      await scale(thumbnail, '320:180');
    }
    const when = new Date(t0 + ((seq - first) * 1000) / fps);
    await utimes(capture, when, when);
    await utimes(thumbnail, when, when);
  }
}

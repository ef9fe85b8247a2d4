import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const FRAME_INTERVAL_MS = 200; // 5 fps

const name = (sequence: number) => `capture_${String(sequence).padStart(9, '0')}`;

/**
 * Write one frame the way ffmpeg's image2 muxer does with atomic writing:
 * `<name>.jpg.tmp` first, its mtime set to the frame's capture time, then
 * renamed into place (the thumbnail likewise, before the capture). `content` is the JPEG
 * bytes (a real fixture) or any placeholder for watcher-only tests.
 */
export async function writeFrameLikeFfmpeg(
  liveDir: string,
  sequence: number,
  timeMs: number,
  content: Uint8Array | string = 'jpeg',
  thumbnail?: Uint8Array | string,
): Promise<string> {
  // The thumbnail first, as the farm's ffmpeg does: the capture's rename is what the monitor reacts to,
  // and a thumbnail landing after it would make the frame look thumbnail-less.
  if (thumbnail !== undefined) {
    const thumbs = path.join(liveDir, 'thumbnails');
    await mkdir(thumbs, { recursive: true });
    await writeRenamed(path.join(thumbs, `${name(sequence)}_thumbnail.jpg`), thumbnail, timeMs);
  }
  const captures = path.join(liveDir, 'captures');
  await mkdir(captures, { recursive: true });
  const target = path.join(captures, `${name(sequence)}.jpg`);
  await writeRenamed(target, content, timeMs);
  return target;
}

/**
 * A placeholder (a non-empty string) gets the JPEG end marker: the watcher judges a frame only once
 * its files end with it. An empty string stays a zero-byte file (a fault the tests write on purpose).
 */
const JPEG_END = Buffer.from([0xff, 0xd9]);

async function writeRenamed(target: string, content: Uint8Array | string, timeMs: number): Promise<void> {
  const tmp = `${target}.tmp`;
  await writeFile(tmp, typeof content === 'string' && content !== '' ? Buffer.concat([Buffer.from(content), JPEG_END]) : content);
  await utimes(tmp, timeMs / 1000, timeMs / 1000);
  await rename(tmp, target);
}

/** Poll until `check` passes (generous: the test machine is shared and slow). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

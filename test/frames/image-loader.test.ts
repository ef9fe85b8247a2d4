import { copyFile, mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPercent } from '../../src/core/detectors/index.js';
import { VptError } from '../../src/core/errors.js';
import { FrameDecodeError } from '../../src/core/frames/frame-errors.js';
import { CAPTURE_SIZE, MAX_CAPTURE_SIZE, THUMBNAIL_SIZE } from '../../src/core/frames/frame-size.js';
import { baselineOfSize, progressiveOf, SOF, withDeclaredSize } from './hostile-jpegs.js';
import { MAX_FRAME_FILE_BYTES, loadGrayImage, sampleNearest } from '../../src/core/frames/image-loader.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { REAL_FIXTURES, makeTempDir } from '../helpers/run-vpt.js';

async function ffmpeg(args: string[]): Promise<void> {
  const result = await runProgram('ffmpeg', ['-v', 'error', '-y', ...args], { timeoutMs: 30_000 });
  expect(result.exitCode, result.stderr).toBe(0);
}

describe('loadGrayImage', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('vpt-loader-'));
    await mkdir(path.join(dir, 'a-folder.jpg'));
  });
  afterAll(() => cleanup());

  it('decodes a thumbnail to one byte per pixel', async () => {
    const frame = await loadGrayImage(path.join(REAL_FIXTURES, 'freeze_1.jpg'));
    expect([frame.width, frame.height, frame.data.length]).toEqual([320, 180, 320 * 180]);
  });

  it('gives the JPEG luma, as ffmpeg (and OpenCV) decode it', async () => {
    const file = path.join(REAL_FIXTURES, 'android_tv_blackscreen.jpg');
    const raw = path.join(dir, 'luma.gray');
    await ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', raw]);
    const reference = new Uint8Array(await readFile(raw));
    const frame = await loadGrayImage(file);
    // Decoders differ by rounding and chroma upsampling, never by a pixel-diff's worth on more than a few pixels.
    expect(diffPercent(frame, { data: reference, width: 320, height: 180 }, 3)).toBeLessThan(0.5);
  });

  it('with a size, shrinks a capture to what ffmpeg makes as its nearest-neighbour thumbnail', async () => {
    const capture = path.join(REAL_FIXTURES, 'banner.jpg');
    const thumbnail = path.join(dir, 'banner_thumbnail.jpg');
    await ffmpeg(['-i', capture, '-vf', 'scale=320:180:flags=neighbor', '-q:v', '5', thumbnail]);
    const shrunk = await loadGrayImage(capture, THUMBNAIL_SIZE);
    expect([shrunk.width, shrunk.height]).toEqual([320, 180]);
    const real = await loadGrayImage(thumbnail, THUMBNAIL_SIZE);
    // Only the thumbnail's own JPEG re-encoding separates them (measured ~1%), under the freeze "same" threshold.
    expect(diffPercent(shrunk, real, 10)).toBeLessThan(2);
    const full = await loadGrayImage(capture, CAPTURE_SIZE);
    expect([full.width, full.height]).toEqual([1280, 720]);
  });

  it('sampleNearest takes the centre pixel of each block', () => {
    const data = Uint8Array.from({ length: 16 }, (_, i) => i); // 4x4: rows 0-3, value = 4y + x
    expect(Array.from(sampleNearest({ data, width: 4, height: 4 }, 2, 2).data)).toEqual([5, 7, 13, 15]);
  });

  it.each([
    { name: 'missing', make: async () => path.join(dir, 'nope.jpg'), reason: 'missing' },
    {
      name: 'empty file',
      make: async () => {
        await writeFile(path.join(dir, 'empty.jpg'), '');
        return path.join(dir, 'empty.jpg');
      },
      reason: 'empty file',
    },
    {
      name: 'text named .jpg',
      make: async () => {
        await writeFile(path.join(dir, 'text.jpg'), 'not an image\n');
        return path.join(dir, 'text.jpg');
      },
      reason: 'not a JPEG',
    },
    {
      name: 'a PNG named .jpg',
      make: async () => {
        await ffmpeg(['-i', path.join(REAL_FIXTURES, 'freeze_1.jpg'), '-f', 'image2', '-c:v', 'png', path.join(dir, 'png.jpg')]);
        return path.join(dir, 'png.jpg');
      },
      reason: 'not a JPEG',
    },
    ...[0.3, 0.6, 0.95].map((share) => ({
      name: `truncated to ${share * 100}%`,
      make: async () => {
        const bytes = await readFile(path.join(REAL_FIXTURES, 'banner.jpg'));
        const file = path.join(dir, `truncated-${share}.jpg`);
        await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * share)));
        return file;
      },
      reason: 'truncated',
    })),
    {
      name: 'zeroed header',
      make: async () => {
        const bytes = Buffer.from(await readFile(path.join(REAL_FIXTURES, 'freeze_1.jpg')));
        bytes.fill(0, 4, 300);
        const file = path.join(dir, 'zeroed-header.jpg');
        await writeFile(file, bytes);
        return file;
      },
      reason: 'corrupt',
    },
    {
      name: 'a file over the size bound (sparse, refused before reading)',
      make: async () => {
        const file = path.join(dir, 'huge.jpg');
        await copyFile(path.join(REAL_FIXTURES, 'freeze_1.jpg'), file);
        await truncate(file, MAX_FRAME_FILE_BYTES + 1);
        return file;
      },
      reason: 'too large',
    },
    { name: 'a folder', make: async () => path.join(dir, 'a-folder.jpg'), reason: 'not a regular file' },
    {
      // Issue 16: openSync on a FIFO blocked the whole process until a writer came.
      name: 'a FIFO (opened without blocking, refused by fstat)',
      make: async () => {
        const file = path.join(dir, 'fifo.jpg');
        await runProgram('mkfifo', [file], { timeoutMs: 5_000 });
        return file;
      },
      reason: 'not a regular file',
    },
    {
      name: 'a symlink loop',
      make: async () => {
        const file = path.join(dir, 'loop.jpg');
        await symlink('loop.jpg', file);
        return file;
      },
      reason: 'unreadable',
    },
  ])('$name -> FrameDecodeError "$reason"', async ({ make, reason }) => {
    const file = await make();
    const error = await loadGrayImage(file, THUMBNAIL_SIZE).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(FrameDecodeError);
    expect(error).toBeInstanceOf(VptError);
    expect((error as FrameDecodeError).reason).toBe(reason);
    expect((error as FrameDecodeError).path).toBe(file);
    expect((error as FrameDecodeError).message).toBe(`${file}: ${reason}`);
  });

  it('still decodes a complete copy of a frame', async () => {
    const file = path.join(dir, 'copy.jpg');
    await copyFile(path.join(REAL_FIXTURES, 'almost_freeze1.jpg'), file);
    await expect(loadGrayImage(file)).resolves.toMatchObject({ width: 320, height: 180 });
  });

  // Issue 16, item 1: the declared size is refused from the header, in every decode path, before any decoder allocates.
  it.each([
    ['baseline (luma decoder)', SOF.baseline, false],
    ['extended (luma decoder)', SOF.extended, false],
    ['progressive (sharp)', SOF.progressive, true],
    ['arithmetic-coded (sharp)', SOF.arithmetic, false],
    ['arithmetic progressive (sharp)', SOF.arithmeticProgressive, true],
  ] as const)('%s declaring 16383x16383 -> "too large" naming the size and the bound', async (_name, marker, progressive) => {
    const real = await readFile(path.join(REAL_FIXTURES, 'freeze_1.jpg'));
    const file = path.join(dir, `declared-${marker}.jpg`);
    await writeFile(file, withDeclaredSize(progressive ? await progressiveOf(real) : real, 16383, 16383, marker));
    const error = (await loadGrayImage(file).catch((err: unknown) => err)) as FrameDecodeError;
    expect(error).toBeInstanceOf(FrameDecodeError);
    expect(error.reason).toBe('too large');
    expect(error.description).toBe(`too large (declares 16383x16383, over ${MAX_CAPTURE_SIZE.width}x${MAX_CAPTURE_SIZE.height})`);
    // A thumbnail's bound is its own size.
    const thumb = (await loadGrayImage(file, undefined, THUMBNAIL_SIZE).catch((err: unknown) => err)) as FrameDecodeError;
    expect(thumb.description).toBe('too large (declares 16383x16383, over 320x180)');
  });

  it('a real 3840x2160 progressive frame, the largest allowed, still decodes (shrunk on load when a size is asked)', async () => {
    const file = path.join(dir, 'uhd.jpg');
    await writeFile(file, await progressiveOf(await baselineOfSize(MAX_CAPTURE_SIZE.width, MAX_CAPTURE_SIZE.height)));
    await expect(loadGrayImage(file, THUMBNAIL_SIZE)).resolves.toMatchObject({ width: 320, height: 180 });
    await expect(loadGrayImage(file)).resolves.toMatchObject({ width: MAX_CAPTURE_SIZE.width, height: MAX_CAPTURE_SIZE.height });
  });
});

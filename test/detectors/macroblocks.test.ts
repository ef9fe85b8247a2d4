import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACROBLOCK_GRID, MACROBLOCK_PERCENT, detectMacroblocks } from '../../src/core/detectors/index.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { loadGrayImage } from '../../src/core/frames/image-loader.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { REAL_FIXTURES, makeTempDir } from '../helpers/run-vpt.js';
import { solid } from './generated-frames.js';

/** Smooth content with detail at every scale and no preference for any grid: a sum of slanted sines. */
function clean(width: number, height: number): GrayFrame {
  const frame = solid(width, height, 0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 128 + 50 * Math.sin(x * 0.21 + y * 0.07) + 40 * Math.sin(x * 0.05 - y * 0.33) + 20 * Math.sin((x + y) * 0.9);
      frame.data[y * width + x] = Math.round(v);
    }
  }
  return frame;
}

/** The same picture with every block replaced by its mean: what a starved or broken decoder shows. */
function blocky(source: GrayFrame, block: number): GrayFrame {
  const { width, height } = source;
  const frame = solid(width, height, 0);
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      let sum = 0;
      let n = 0;
      for (let y = by; y < Math.min(by + block, height); y++) for (let x = bx; x < Math.min(bx + block, width); x++, n++) sum += source.data[y * width + x]!;
      const mean = Math.round(sum / n);
      for (let y = by; y < Math.min(by + block, height); y++) frame.data.fill(mean, y * width + bx, y * width + Math.min(bx + block, width));
    }
  }
  return frame;
}

describe('detectMacroblocks on generated frames', () => {
  const picture = clean(1280, 720);

  it.each([
    { name: 'clean picture', frame: picture, detected: false },
    { name: '8x8 blocks', frame: blocky(picture, MACROBLOCK_GRID), detected: true },
    { name: '16x16 blocks', frame: blocky(picture, 16), detected: true },
    { name: 'flat black', frame: solid(1280, 720, 0), detected: false },
  ])('$name -> $detected', ({ frame, detected }) => {
    const result = detectMacroblocks(frame);
    expect(result.detected).toBe(detected);
    if (detected) expect(result.score).toBeGreaterThan(90);
    else expect(result.score).toBeLessThan(10);
  });

  it('the threshold is a strict "more than", and overridable', () => {
    const { score } = detectMacroblocks(blocky(picture, 8));
    expect(detectMacroblocks(blocky(picture, 8), { macroblockPercent: score }).detected).toBe(false);
    expect(detectMacroblocks(blocky(picture, 8), { macroblockPercent: score - 1e-9 }).detected).toBe(true);
  });
});

describe('detectMacroblocks on farm captures (1280x720)', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('vpt-macroblocks-'));
    const source = path.join(REAL_FIXTURES, 'subtitles_original.jpg');
    // A starved JPEG encoder and a pixelated picture, made by ffmpeg from a real capture.
    await runProgram('ffmpeg', ['-v', 'error', '-y', '-i', source, '-q:v', '31', path.join(dir, 'starved.jpg')], { timeoutMs: 30_000 });
    await runProgram(
      'ffmpeg',
      ['-v', 'error', '-y', '-i', source, '-vf', 'scale=80:45:flags=area,scale=1280:720:flags=neighbor', '-q:v', '5', path.join(dir, 'pixelated.jpg')],
      { timeoutMs: 30_000 },
    );
  });
  afterAll(() => cleanup());

  it.each([
    { file: () => path.join(REAL_FIXTURES, 'banner.jpg'), detected: false },
    { file: () => path.join(REAL_FIXTURES, 'subtitles_original.jpg'), detected: false },
    { file: () => path.join(dir, 'starved.jpg'), detected: true },
    { file: () => path.join(dir, 'pixelated.jpg'), detected: true },
  ])('%# -> macroblocks $detected', async ({ file, detected }) => {
    const frame = await loadGrayImage(file());
    expect([frame.width, frame.height]).toEqual([1280, 720]);
    const result = detectMacroblocks(frame);
    expect(result.detected).toBe(detected);
    // Margins of 5 points from the threshold either way: the clean captures score ~35-41, the bad ones ~70+.
    if (detected) expect(result.score).toBeGreaterThan(MACROBLOCK_PERCENT + 5);
    else expect(result.score).toBeLessThan(MACROBLOCK_PERCENT - 5);
  });
});

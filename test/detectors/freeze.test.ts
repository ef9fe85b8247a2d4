import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FREEZE_SIZE_MISMATCH_PERCENT, FreezeRing, diffPercent, detectFreeze } from '../../src/core/detectors/index.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { THUMBNAIL_SIZE } from '../../src/core/frames/frame-size.js';
import { loadGrayImage } from '../../src/core/frames/image-loader.js';
import { REAL_FIXTURES } from '../helpers/run-vpt.js';
import { solid, withPixels } from './generated-frames.js';

// 100x100 frames: 10000 pixels, so 1 pixel = 0.01%.
const base = solid(100, 100, 100);
/** `base` with `count` pixels brighter by `by` levels. */
const changed = (count: number, by = 50): GrayFrame => withPixels(base, count, 100 + by);

describe('detectFreeze on generated frames', () => {
  it.each([
    { name: 'a pixel 10 levels off is the same', prev: [changed(10000, 10), changed(10000, 10)], diffs: [0, 0], detected: true },
    { name: 'a pixel 11 levels off differs', prev: [changed(10000, 11)], diffs: [100], detected: false },
    { name: '1.99% differing is "same"', prev: [changed(199), changed(199)], diffs: [1.99, 1.99], detected: true },
    { name: '2.00% differing is not "same"', prev: [changed(200), base], diffs: [2, 0], detected: false },
    { name: 'one comparison is not enough', prev: [base], diffs: [0], detected: false },
    { name: 'no previous frame', prev: [], diffs: [], detected: false },
    { name: 'three identical previous frames', prev: [base, base, base], diffs: [0, 0, 0], detected: true },
    { name: 'one of three not "same"', prev: [base, base, changed(300)], diffs: [0, 0, 3], detected: false },
    { name: 'exactly 5% goes on comparing', prev: [changed(500), base, base], diffs: [5, 0, 0], detected: false },
    { name: 'over 5% stops early', prev: [changed(501), base, base], diffs: [5.01], detected: false },
    { name: 'stops at the first comparison over 5%', prev: [base, changed(9000), base], diffs: [0, 90], detected: false },
    {
      name: 'a previous frame of another size never compares equal',
      prev: [solid(50, 50, 100), base],
      diffs: [FREEZE_SIZE_MISMATCH_PERCENT],
      detected: false,
    },
  ])('$name', ({ prev, diffs, detected }) => {
    const result = detectFreeze(base, prev);
    expect(result.diffs).toEqual(diffs);
    expect(result.detected).toBe(detected);
  });

  it('takes overrides', () => {
    expect(detectFreeze(base, [changed(300), changed(300)], { freezeSamePercent: 3.5 }).detected).toBe(true);
    expect(detectFreeze(base, [changed(10000, 20), base], { freezePixelDiff: 20 }).diffs).toEqual([0, 0]);
    expect(detectFreeze(base, [changed(300), base], { freezeEarlyExitPercent: 2.5 }).diffs).toEqual([3]);
  });
});

describe('detectFreeze on the farm fixtures', () => {
  const load = (file: string) => loadGrayImage(path.join(REAL_FIXTURES, file), THUMBNAIL_SIZE);

  it('a run of identical frames freezes from the third frame on', async () => {
    const frame = await load('freeze_1.jpg');
    const ring = new FreezeRing();
    const verdicts: Array<{ detected: boolean; comparisons: number }> = [];
    for (let i = 0; i < 5; i++) {
      const result = detectFreeze(frame, ring.previous());
      verdicts.push({ detected: result.detected, comparisons: result.diffs.length });
      ring.push(frame);
    }
    expect(verdicts).toEqual([
      { detected: false, comparisons: 0 },
      { detected: false, comparisons: 1 },
      { detected: true, comparisons: 2 },
      { detected: true, comparisons: 3 },
      { detected: true, comparisons: 3 },
    ]);
  });

  it('the near-identical pair never freezes, in any order', async () => {
    const a = await load('almost_freeze1.jpg');
    const b = await load('alsmot_freeze2.jpg');
    for (const sequence of [
      [a, b, a, b, a, b],
      [a, a, b, b, a, a],
      [b, a, a, b, b, a],
    ]) {
      const ring = new FreezeRing();
      for (const frame of sequence) {
        const result = detectFreeze(frame, ring.previous());
        ring.push(frame);
        expect(result.detected).toBe(false);
      }
    }
    const { diffs } = detectFreeze(b, [a]);
    expect(diffs[0]).toBeGreaterThan(5);
    expect(diffs[0]).toBeLessThan(7);
  });

  it('the subtitle and menu frames do not freeze against each other', async () => {
    const banner = await load('banner.jpg');
    const subtitles = await load('subtitles_original.jpg');
    expect(detectFreeze(banner, [subtitles, subtitles]).detected).toBe(false);
    expect(detectFreeze(subtitles, [banner, banner]).detected).toBe(false);
  });
});

describe('diffPercent', () => {
  /** The rule as docs/design.md says it, one pixel at a time. */
  const naive = (a: GrayFrame, b: GrayFrame, pixelDiff: number) => {
    let n = 0;
    for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i]! - b.data[i]!) > pixelDiff) n++;
    return (n * 100) / a.data.length;
  };

  it('counts exactly the pixels whose |a-b| is above the threshold, integer or not, on every difference from -255 to 255', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const width = 64;
    const height = 32;
    const a: GrayFrame = { width, height, data: new Uint8Array(width * height) };
    const b: GrayFrame = { width, height, data: new Uint8Array(width * height) };
    for (let i = 0; i < a.data.length; i++) {
      a.data[i] = Math.floor(random() * 256);
      b.data[i] = Math.floor(random() * 256);
    }
    // Every difference, both signs, at the ends of the range.
    for (let d = 0; d <= 255; d++) {
      a.data[d] = 255;
      b.data[d] = 255 - d;
      a.data[256 + d] = 0;
      b.data[256 + d] = d;
    }
    for (const pixelDiff of [0, 1, 9.5, 10, 10.01, 11, 127, 254, 255, -0.5]) {
      expect(diffPercent(a, b, pixelDiff), `pixelDiff ${pixelDiff}`).toBe(naive(a, b, pixelDiff));
    }
  });
});

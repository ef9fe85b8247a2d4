import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLACK_PERCENT, DARK_LUMA, DEFAULT_THRESHOLDS, detectBlackscreen, rowAtPercent } from '../../src/core/detectors/index.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { THUMBNAIL_SIZE } from '../../src/core/frames/frame-size.js';
import { loadGrayImage } from '../../src/core/frames/image-loader.js';
import { REAL_FIXTURES } from '../helpers/run-vpt.js';
import { solid, withPixels } from './generated-frames.js';

// 100x100: rows 5..69 are analysed, 6500 pixels; 85% of them is exactly 5525.
const W = 100;
const REGION_START = 5 * W;
const REGION_PIXELS = 65 * W;

/** A 100x100 frame whose analysed region has `dark` pixels at luma `darkValue`, the rest at 200. */
function regionWithDark(dark: number, darkValue = 0): GrayFrame {
  return withPixels(solid(W, 100, 200), dark, darkValue, REGION_START);
}

describe('detectBlackscreen on generated frames', () => {
  it('analyses rows 5%-70%', () => {
    expect([rowAtPercent(100, 5), rowAtPercent(100, 70)]).toEqual([5, 70]);
    expect([rowAtPercent(180, 5), rowAtPercent(180, 70)]).toEqual([9, 126]);
    // Dark outside the region does not count: header and bottom band are black, the region is bright.
    const frame = solid(W, 100, 0);
    frame.data.fill(200, REGION_START, REGION_START + REGION_PIXELS);
    expect(detectBlackscreen(frame)).toEqual({ detected: false, darkPercent: 0 });
  });

  it.each([
    { name: 'exactly 85% dark is not black', dark: 5525, darkPercent: 85, detected: false },
    { name: '85.1% dark is black', dark: 5532, darkPercent: (5532 * 100) / 6500, detected: true },
    { name: 'all dark', dark: REGION_PIXELS, darkPercent: 100, detected: true },
    { name: 'nothing dark', dark: 0, darkPercent: 0, detected: false },
  ])('$name', ({ dark, darkPercent, detected }) => {
    const result = detectBlackscreen(regionWithDark(dark));
    expect(result.darkPercent).toBe(darkPercent);
    expect(result.detected).toBe(detected);
  });

  it.each([
    { luma: DARK_LUMA, dark: true },
    { luma: DARK_LUMA + 1, dark: false },
  ])('a pixel at luma $luma is dark: $dark', ({ luma, dark }) => {
    const result = detectBlackscreen(regionWithDark(REGION_PIXELS, luma));
    expect(result.darkPercent).toBe(dark ? 100 : 0);
  });

  it('takes overrides, and ignores undefined ones', () => {
    const frame = regionWithDark(5000); // 76.9%
    expect(detectBlackscreen(frame).detected).toBe(false);
    expect(detectBlackscreen(frame, { blackPercent: 75 }).detected).toBe(true);
    expect(detectBlackscreen(frame, { blackPercent: undefined }).detected).toBe(false);
    expect(detectBlackscreen(regionWithDark(REGION_PIXELS, 20), { darkLuma: 20 }).detected).toBe(true);
    expect(DEFAULT_THRESHOLDS.blackPercent).toBe(BLACK_PERCENT);
    expect(DEFAULT_THRESHOLDS.darkLuma).toBe(DARK_LUMA);
  });
});

describe('detectBlackscreen on the farm fixtures', () => {
  it.each([
    { file: 'android_mobile_blackscreen.jpg', detected: true },
    { file: 'android_tv_blackscreen.jpg', detected: true },
    { file: 'almost_freeze1.jpg', detected: false },
    { file: 'alsmot_freeze2.jpg', detected: false },
    { file: 'freeze_1.jpg', detected: false },
    { file: 'banner.jpg', detected: false },
    { file: 'subtitles_original.jpg', detected: false },
  ])('$file -> black $detected', async ({ file, detected }) => {
    const frame = await loadGrayImage(path.join(REAL_FIXTURES, file), THUMBNAIL_SIZE);
    const result = detectBlackscreen(frame);
    expect(result.detected).toBe(detected);
    // Not borderline: the verdict holds with a margin of 2 points either way.
    if (detected) expect(result.darkPercent).toBeGreaterThan(BLACK_PERCENT + 2);
    else expect(result.darkPercent).toBeLessThan(BLACK_PERCENT - 2);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANNER_EDGE_MAX_PERCENT, BANNER_EDGE_MIN_PERCENT, detectBlackscreen, detectZap } from '../../src/core/detectors/index.js';
import { THUMBNAIL_SIZE } from '../../src/core/frames/frame-size.js';
import { loadGrayImage } from '../../src/core/frames/image-loader.js';
import { REAL_FIXTURES } from '../helpers/run-vpt.js';
import { blackWithStripes } from './generated-frames.js';

// A 320x180 thumbnail: the banner band is rows 126..179 (54 rows, 52 inner); one stripe transition = 52 edge pixels.
const BAND_PIXELS = 320 * 54;
const densityOf = (steps: number) => (steps * 52 * 100) / BAND_PIXELS;

describe('detectZap on generated zapping screens', () => {
  it.each([
    { steps: 0, detected: false, why: 'black, no banner' },
    { steps: 9, detected: false, why: `2.71% edges: just under ${BANNER_EDGE_MIN_PERCENT}%` },
    { steps: 10, detected: true, why: '3.01%: within' },
    { steps: 66, detected: true, why: '19.86%: within' },
    { steps: 67, detected: false, why: `20.16%: just above ${BANNER_EDGE_MAX_PERCENT}%` },
  ])('$steps transitions -> zap $detected ($why)', ({ steps, detected }) => {
    const frame = blackWithStripes(320, 180, 126, steps);
    const black = detectBlackscreen(frame);
    expect(black.detected).toBe(true);
    const zap = detectZap(frame, black);
    expect(zap.edgeDensityPercent).toBeCloseTo(densityOf(steps), 12);
    expect(zap.detected).toBe(detected);
  });

  it('bounds are inclusive', () => {
    const frame = blackWithStripes(320, 180, 126, 20);
    const black = detectBlackscreen(frame);
    const density = densityOf(20);
    expect(detectZap(frame, black, { bannerEdgeMinPercent: density }).detected).toBe(true);
    expect(detectZap(frame, black, { bannerEdgeMinPercent: density + 1e-9 }).detected).toBe(false);
    expect(detectZap(frame, black, { bannerEdgeMaxPercent: density }).detected).toBe(true);
    expect(detectZap(frame, black, { bannerEdgeMaxPercent: density - 1e-9 }).detected).toBe(false);
  });

  it('is no zap, with the edge density unknown, when the frame is not black', () => {
    const frame = blackWithStripes(320, 180, 126, 20);
    frame.data.fill(200, 0, 126 * 320);
    const black = detectBlackscreen(frame);
    expect(black.detected).toBe(false);
    expect(detectZap(frame, black)).toEqual({ detected: false, edgeDensityPercent: undefined });
  });
});

describe('detectZap on the farm fixtures (320x180; the 1280x720 ones shrunk on load)', () => {
  it.each([
    { file: 'android_mobile_blackscreen.jpg', zap: true },
    { file: 'android_tv_blackscreen.jpg', zap: true },
    { file: 'almost_freeze1.jpg', zap: false },
    { file: 'freeze_1.jpg', zap: false },
    { file: 'banner.jpg', zap: false },
    { file: 'subtitles_original.jpg', zap: false },
  ])('$file -> zap $zap', async ({ file, zap }) => {
    const frame = await loadGrayImage(path.join(REAL_FIXTURES, file), THUMBNAIL_SIZE);
    const result = detectZap(frame, detectBlackscreen(frame));
    expect(result.detected).toBe(zap);
    if (zap) {
      expect(result.edgeDensityPercent).toBeGreaterThanOrEqual(BANNER_EDGE_MIN_PERCENT);
      expect(result.edgeDensityPercent).toBeLessThanOrEqual(BANNER_EDGE_MAX_PERCENT);
    }
  });
});

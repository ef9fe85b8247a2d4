import { describe, expect, it } from 'vitest';
import { FreezeJudge, MOTION_MIN_AREA, type FreezeSettings } from '../../src/core/detectors/freeze-judge.js';
import { buildMaskPlan, MaskCache } from '../../src/core/detectors/mask.js';
import { findMotion, MotionScratch } from '../../src/core/detectors/motion.js';
import { NOISE_HISTOGRAM_BINS, NOISE_SIGMA_MAX, NOISE_SIGMAS, noiseThreshold, pairNoise } from '../../src/core/detectors/pair-noise.js';
import { detectBlackscreen } from '../../src/core/detectors/blackscreen.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { solid } from './generated-frames.js';

const W = 320;
const H = 180;
const base = solid(W, H, 100);
/** `base` with the pixels of the rectangle (frame pixels) set to `value`. */
function withRect(x: number, y: number, w: number, h: number, value = 200, from: GrayFrame = base): GrayFrame {
  const data = Uint8Array.from(from.data);
  for (let r = y; r < y + h; r++) data.fill(value, r * W + x, r * W + x + w);
  return { data, width: W, height: H };
}
const settings = (over: Partial<FreezeSettings> = {}): FreezeSettings => ({
  freezeRule: 'motion',
  motionMinArea: MOTION_MIN_AREA,
  masks: [],
  thresholds: {},
  ...over,
});

describe('findMotion: one-signed regions by area or strength', () => {
  const scratch = new MotionScratch();
  const moved = (frame: GrayFrame, minArea = 16, threshold = 10, from: GrayFrame = base) => findMotion(frame, from, threshold, minArea, scratch);
  it.each([
    { name: 'no change', frame: base, motion: false },
    { name: 'a low-contrast region (+15) one pixel under the minimum area: same', frame: withRect(40, 40, 15, 1, 115), motion: false },
    { name: 'the same region at the minimum area: motion', frame: withRect(40, 40, 16, 1, 115), motion: true },
    { name: 'a one-row run of 16 at +11 (just over the threshold): motion', frame: withRect(0, 90, 16, 1, 111), motion: true },
    { name: 'exactly the threshold (+10) is no change', frame: withRect(0, 0, 40, 40, 110), motion: false },
    // Strength: 16 px x 16 levels = 256 levels above the threshold. 2 px of +138 = 2 x 128 = 256; 2 px of +137 = 254.
    { name: 'a 2-pixel speck 1 level short of strong: same', frame: withRect(100, 100, 2, 1, 100 + 10 + 127), motion: false },
    { name: 'a 2-pixel speck that is strong: motion', frame: withRect(100, 100, 2, 1, 100 + 10 + 128), motion: true },
  ])('$name', ({ frame, motion }) => {
    expect(moved(frame)).toBe(motion);
  });

  it('changes of alternating sign are no region: a checkerboard of +-60 is same, the same area of +60 is motion', () => {
    const checker = Uint8Array.from(base.data);
    const plain = Uint8Array.from(base.data);
    for (let r = 50; r < 60; r++) {
      for (let c = 50; c < 60; c++) {
        checker[r * W + c] = (r + c) % 2 === 0 ? 160 : 40;
        plain[r * W + c] = 160;
      }
    }
    expect(moved({ data: checker, width: W, height: H })).toBe(false);
    expect(scratch.largest).toBe(1);
    expect(moved({ data: plain, width: W, height: H })).toBe(true);
  });

  it('skips masked pixels, whole blocks and parts of blocks alike', () => {
    const plan = buildMaskPlan([{ x: 0, y: 0, w: 64, h: 64 }], W, H)!;
    // 64 capture pixels = 16 thumbnail pixels: a 20x20 low-contrast box at 0..19 keeps 144 unmasked pixels (motion), a 17x17 one 33.
    expect(findMotion(withRect(0, 0, 20, 20, 115), base, 10, 144, scratch, plan)).toBe(true);
    expect(findMotion(withRect(0, 0, 20, 20, 115), base, 10, 145, scratch, plan)).toBe(false);
    expect(scratch.largest).toBe(144);
  });

  it('its scratch is one frame of bytes and a stack of the minimum area, reused and left clean', () => {
    const s = new MotionScratch();
    expect(findMotion(withRect(0, 0, W, H, 200), base, 10, 16, s)).toBe(true);
    expect(s.visited.length).toBe(W * H);
    expect(s.stack.length).toBe(16);
    expect(s.visited.every((v) => v === 0)).toBe(true);
    const { visited, stack } = s;
    for (let i = 0; i < 50; i++) findMotion(withRect(i, i, 3, 3, 160), base, 10, 16, s);
    expect(s.visited).toBe(visited);
    expect(s.stack).toBe(stack);
  });
});

describe('pairNoise: the noise of the pair judged, from the residual of its difference', () => {
  const histogram = new Uint32Array(NOISE_HISTOGRAM_BINS);
  /** A frame of `sigma`-level Gaussian noise around `level` (seeded). */
  function noisy(sigma: number, seed: number, level = 100): GrayFrame {
    let s = seed;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    const data = new Uint8Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(level + sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    return { data, width: W, height: H };
  }

  it('measures sensor noise: two sigma-3 frames differ by sigma 4.24, about 4 once trimmed', () => {
    const noise = pairNoise(noisy(3, 1), noisy(3, 2), histogram);
    expect(noise).toBeGreaterThan(3.6);
    expect(noise).toBeLessThan(4.4);
    expect(noiseThreshold(10, noise)).toBe(10 + Math.round(NOISE_SIGMAS * noise));
  });

  it('a smooth change (a fade, a brightening of 60 levels) is no noise', () => {
    expect(pairNoise(base, solid(W, H, 160), histogram)).toBe(0);
    expect(pairNoise(noisy(0, 1, 40), noisy(0, 1, 100), histogram)).toBe(0);
  });

  it(`is capped at ${NOISE_SIGMA_MAX} levels: a busy moving picture does not hide its own motion`, () => {
    expect(pairNoise(noisy(40, 1), noisy(40, 2), histogram)).toBe(NOISE_SIGMA_MAX);
  });
});

describe('FreezeJudge (motion rule)', () => {
  it.each([
    // 256 capture pixels = 16 thumbnail pixels; a low-contrast (+15) 5x3 patch is 15, a 4x4 one 16.
    { name: 'changed area just under --motion-min-area: same, frozen', frame: withRect(0, 0, 5, 3, 115), frozen: true, area: 15 },
    { name: 'changed area at --motion-min-area: different', frame: withRect(0, 0, 4, 4, 115), frozen: false, area: 16 },
  ])('$name', ({ frame, frozen, area }) => {
    const judge = new FreezeJudge();
    const result = judge.detect(frame, [base, base], settings());
    expect(result.detected).toBe(frozen);
    expect(result.changedAreas![0]).toBe(area * 16);
  });

  it('carries nothing from one frame to the next: a noisy pair, then a clean one judged at the plain pixel diff', () => {
    const judge = new FreezeJudge();
    let s = 7;
    const grain = (): GrayFrame => ({ data: base.data.map((v) => v + (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 29) - 4)), width: W, height: H });
    expect(judge.detect(grain(), [grain(), grain()], settings()).pixelThreshold).toBeGreaterThan(14);
    const dim = withRect(100, 100, 8, 2, 113);
    expect(judge.detect(dim, [base, base], settings())).toMatchObject({ detected: false, pixelThreshold: 10, noiseFloor: 0 });
  });

  it('frozen needs 2 comparisons, all same; one with motion stops the comparing', () => {
    const judge = new FreezeJudge();
    expect(judge.detect(base, [base], settings()).detected).toBe(false);
    expect(judge.detect(base, [base, base, base], settings())).toMatchObject({ detected: true, changedAreas: [0, 0, 0] });
    const moved = withRect(100, 100, 13, 13);
    const result = judge.detect(base, [base, moved, base], settings());
    // The box changes by 100 levels: its region counts (strong) after 3 pixels of 90 above the threshold, and counting stops there.
    expect(result).toMatchObject({ detected: false, changedAreas: [0, 3 * 16] });
    expect(result.diffs).toHaveLength(2);
  });

  it('a previous frame of another size is a difference', () => {
    expect(new FreezeJudge().detect(base, [solid(100, 100, 100), base], settings()).detected).toBe(false);
  });

  it('a change inside a mask is ignored', () => {
    const mask = buildMaskPlan([{ x: 1100, y: 20, w: 160, h: 60 }], W, H);
    const clock = withRect(276, 6, 30, 12, 250);
    const judge = new FreezeJudge();
    const masked = judge.detect(clock, [base, base], settings({ masks: [{ x: 1100, y: 20, w: 160, h: 60 }] }), mask);
    expect(masked).toMatchObject({ detected: true, maskedPercent: (40 * 15 * 100) / (W * H) });
    expect(new FreezeJudge().detect(clock, [base, base], settings()).detected).toBe(false);
  });

  it('the seed rule stays selectable, masks included', () => {
    const small = withRect(0, 0, 20, 20); // 400 pixels = 0.69%: "same" for the 2% rule
    expect(new FreezeJudge().detect(small, [base, base], settings({ freezeRule: 'seed' }))).toMatchObject({ detected: true, rule: 'seed' });
    expect(new FreezeJudge().detect(small, [base, base], settings()).detected).toBe(false);
  });
});

describe('masks', () => {
  it('map capture rectangles outwards onto the thumbnail and keep one plan per device', () => {
    const plan = buildMaskPlan([{ x: 1, y: 1, w: 2, h: 2 }], W, H)!;
    // Capture pixels 1..2 lie in thumbnail pixel 0: one pixel hidden.
    expect(plan.maskedPixels).toBe(1);
    expect(buildMaskPlan([], W, H)).toBeUndefined();
    const cache = new MaskCache();
    const rects = [{ x: 0, y: 0, w: 40, h: 40 }];
    expect(cache.for(rects, W, H)).toBe(cache.for(rects, W, H));
    expect(cache.for(rects, 160, 90)!.width).toBe(160);
  });

  it('blackscreen leaves masked pixels out: a bright logo on black is still black', () => {
    const black = withRect(0, 0, W, H, 0);
    const logo = withRect(0, 20, W, 60, 255, black);
    expect(detectBlackscreen(logo).detected).toBe(false);
    const plan = buildMaskPlan([{ x: 0, y: 80, w: 1280, h: 240 }], W, H);
    expect(detectBlackscreen(logo, {}, plan)).toMatchObject({ detected: true, darkPercent: 100, maskedPercent: (60 * 100) / H });
  });
});

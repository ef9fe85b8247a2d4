import { describe, expect, it } from 'vitest';
import { FreezeJudge, MOTION_MIN_AREA, type FreezeSettings } from '../../src/core/detectors/freeze-judge.js';
import { buildMaskPlan, MaskCache } from '../../src/core/detectors/mask.js';
import { BLOCK_MIN_CHANGED, changedArea } from '../../src/core/detectors/motion.js';
import { NOISE_HISTOGRAM_BINS, NoiseFloor } from '../../src/core/detectors/noise-floor.js';
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

describe('changedArea: the block rule', () => {
  it.each([
    { name: 'one changed pixel is a speck: dropped', frame: withRect(10, 10, 1, 1), area: 0 },
    { name: `${BLOCK_MIN_CHANGED - 1} changed pixels in a block: dropped`, frame: withRect(8, 8, BLOCK_MIN_CHANGED - 1, 1), area: 0 },
    { name: `${BLOCK_MIN_CHANGED} changed pixels in a block: counted`, frame: withRect(8, 8, BLOCK_MIN_CHANGED, 1), area: BLOCK_MIN_CHANGED },
    { name: 'a thumbnail row (a wipe) counts in every block', frame: withRect(0, 41, W, 1), area: W },
    { name: 'a 1-pixel-wide column counts', frame: withRect(77, 0, 1, H), area: H },
    // Its corner pixel (112, 72) is alone in its block: dropped, as a speck would be.
    { name: 'a 13x13 box (50x50 capture pixels)', frame: withRect(100, 60, 13, 13), area: 168 },
    { name: 'exactly the threshold (10) is not a change', frame: withRect(0, 0, 40, 40, 110), area: 0 },
    { name: 'one level over it is', frame: withRect(0, 0, 40, 40, 111), area: 1600 },
  ])('$name', ({ frame, area }) => {
    expect(changedArea(frame, base, 10, Infinity)).toBe(area);
  });

  it('stops counting at stopAt', () => {
    expect(changedArea(withRect(0, 0, W, 40), base, 10, 100)).toBeLessThan(120);
  });

  it('skips masked pixels, whole blocks and parts of blocks alike', () => {
    const plan = buildMaskPlan([{ x: 0, y: 0, w: 64, h: 64 }], W, H)!;
    // 64 capture pixels = 16 thumbnail pixels: the box at 0..20 keeps its pixels from column/row 16 on.
    expect(changedArea(withRect(0, 0, 20, 20), base, 10, Infinity, plan)).toBe(20 * 20 - 16 * 16);
    // A mask edge inside a block (x 0..13 masked, block 12..15 partly): columns 14, 15 still count.
    const odd = buildMaskPlan([{ x: 0, y: 0, w: 54, h: 720 }], W, H)!;
    expect(changedArea(withRect(12, 0, 4, 4), base, 10, Infinity, odd)).toBe(8);
  });
});

describe('FreezeJudge (motion rule)', () => {
  it.each([
    // 128 capture pixels = 8 thumbnail pixels; blocks need 3 changed pixels, so use a 4x2 patch (one block).
    { name: 'changed area just under --motion-min-area: same, frozen', frame: withRect(0, 0, 7, 1), frozen: true },
    { name: 'changed area at --motion-min-area: different', frame: withRect(0, 0, 4, 2), frozen: false },
  ])('$name', ({ frame, frozen }) => {
    const judge = new FreezeJudge();
    const result = judge.detect(frame, [base, base], settings());
    expect(result.detected).toBe(frozen);
    expect(result.changedAreas![0]).toBe(frozen ? 7 * 16 : 8 * 16);
  });

  it('frozen needs 2 comparisons, all same; one with motion stops the comparing', () => {
    const judge = new FreezeJudge();
    expect(judge.detect(base, [base], settings()).detected).toBe(false);
    expect(judge.detect(base, [base, base, base], settings())).toMatchObject({ detected: true, changedAreas: [0, 0, 0] });
    const moved = withRect(100, 100, 13, 13);
    expect(judge.detect(base, [base, moved, base], settings())).toMatchObject({ detected: false, changedAreas: [0, 168 * 16] });
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

describe('NoiseFloor', () => {
  /** A frame of `sigma`-level Gaussian noise around 100 (seeded). */
  function noisy(sigma: number, seed: number): GrayFrame {
    let s = seed;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    const data = new Uint8Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(100 + sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    return { data, width: W, height: H };
  }

  it('measures the spread of the difference of two noisy frames, and raises the threshold by 4 of it', () => {
    const floor = new NoiseFloor();
    floor.measure(noisy(3, 1), noisy(3, 2));
    // Difference of two sigma-3 frames: sigma 4.24, trimmed of its top 1%: about 3.9.
    expect(floor.value).toBeGreaterThan(3.5);
    expect(floor.value).toBeLessThan(4.4);
    expect(floor.threshold(10)).toBe(10 + Math.round(4 * floor.value));
  });

  it('a fully changed picture is motion, not noise: the floor stays', () => {
    const floor = new NoiseFloor();
    floor.measure(base, base);
    expect(floor.value).toBe(0);
    floor.measure(base, solid(W, H, 160));
    expect(floor.value).toBe(0);
  });

  it('holds one number and a histogram of fixed size, whatever it is fed', () => {
    const floor = new NoiseFloor();
    for (let i = 0; i < 200; i++) floor.measure(noisy(2, i), noisy(2, i + 1000));
    expect(Object.keys(floor)).toEqual(['histogram', 'sigma']);
    expect((floor as unknown as { histogram: Uint32Array }).histogram.length).toBe(NOISE_HISTOGRAM_BINS);
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

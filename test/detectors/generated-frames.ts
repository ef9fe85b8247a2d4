import type { GrayFrame } from '../../src/core/frames/gray-frame.js';

/** A frame filled with one luma value. */
export function solid(width: number, height: number, value: number): GrayFrame {
  return { data: new Uint8Array(width * height).fill(value), width, height };
}

/** A copy of `frame` whose first `count` pixels are replaced by `value` (row-major order). */
export function withPixels(frame: GrayFrame, count: number, value: number, from = 0): GrayFrame {
  const data = Uint8Array.from(frame.data);
  data.fill(value, from, from + count);
  return { data, width: frame.width, height: frame.height };
}

/**
 * A zapping screen: black everywhere, and in rows [bandTop, height) `steps`
 * vertical black/white transitions 4 columns apart (a crude banner). Each
 * transition gives one edge pixel per band row that has a full 3x3
 * neighbourhood inside the band.
 */
export function blackWithStripes(width: number, height: number, bandTop: number, steps: number): GrayFrame {
  const frame = solid(width, height, 0);
  for (let y = bandTop; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Column band index k = floor(x / 4) + 1 for x >= 4; levels alternate from the first transition at x = 4.
      const transitionsSoFar = Math.min(steps, Math.floor(x / 4));
      frame.data[y * width + x] = transitionsSoFar % 2 === 1 ? 255 : 0;
    }
  }
  return frame;
}

import { describe, expect, it } from 'vitest';
import { EDGE_SCRATCH_MAX_PIXELS, countEdges, edgeDensityPercent } from '../../src/core/detectors/index.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { blackWithStripes, solid } from './generated-frames.js';

/** A band of `rows` x `width` whose left half is `left` and right half `right` (one vertical step). */
function verticalStep(width: number, rows: number, left: number, right: number): GrayFrame {
  const frame = solid(width, rows, left);
  for (let y = 0; y < rows; y++) frame.data.fill(right, y * width + width / 2, (y + 1) * width);
  return frame;
}

describe('countEdges (Canny-like, 50/150)', () => {
  it('finds nothing on a flat frame', () => {
    expect(countEdges(solid(320, 180, 128), 0, 180)).toBe(0);
  });

  it('thins a sharp vertical step to one pixel per inner row', () => {
    // 20 rows: the first and last have no full neighbourhood, so 18 edge pixels.
    expect(countEdges(verticalStep(64, 20, 0, 255), 0, 20)).toBe(18);
  });

  it('thins a horizontal step to one pixel per inner column', () => {
    const frame = solid(64, 20, 0);
    frame.data.fill(255, 10 * 64);
    expect(countEdges(frame, 0, 20)).toBe(62);
  });

  it('treats the band as its own image: a step on its first row is not an edge', () => {
    const frame = solid(64, 40, 0);
    frame.data.fill(255, 20 * 64); // rows 20.. are white; band starts at row 20
    expect(countEdges(frame, 20, 40)).toBe(0);
    expect(countEdges(frame, 10, 40)).toBe(62);
  });

  it.each([
    // Sobel L1 magnitude of a step of s levels is 4s: 12 -> 48 (not above low), 13 -> 52 (weak), 38 -> 152 (strong).
    { step: 12, edges: 0, why: 'below the low threshold' },
    { step: 13, edges: 0, why: 'weak and not connected to a strong edge' },
    { step: 37, edges: 0, why: 'magnitude 148: still weak' },
    { step: 38, edges: 18, why: 'magnitude 152: strong' },
  ])('a step of $step levels: $edges edges ($why)', ({ step, edges }) => {
    expect(countEdges(verticalStep(64, 20, 100, 100 + step), 0, 20)).toBe(edges);
  });

  it('keeps weak edges 8-connected to a strong one (hysteresis)', () => {
    // One vertical step: 38 levels (strong) in the upper rows, 30 (weak, magnitude 120) below. The 8-level
    // horizontal step between them is under the low threshold, so the only edges are on the vertical step.
    const weakOnly = verticalStep(64, 20, 0, 30);
    expect(countEdges(weakOnly, 0, 20)).toBe(0);
    const frame = verticalStep(64, 20, 0, 30);
    for (let y = 0; y < 8; y++) frame.data.fill(38, y * 64 + 32, (y + 1) * 64);
    expect(countEdges(frame, 0, 20)).toBe(18);
  });

  it('edge density counts each stripe transition once per inner band row', () => {
    const frame = blackWithStripes(320, 180, 126, 10);
    expect(countEdges(frame, 126, 180)).toBe(10 * 52);
    expect(edgeDensityPercent(frame, 126, 180)).toBeCloseTo((520 * 100) / (320 * 54), 12);
  });

  it('handles a band larger than the kept scratch buffers, and reuses them after', () => {
    const big = verticalStep(1280, 720, 0, 255);
    expect(1280 * 720).toBeGreaterThan(EDGE_SCRATCH_MAX_PIXELS);
    expect(countEdges(big, 0, 720)).toBe(718);
    expect(countEdges(verticalStep(64, 20, 0, 255), 0, 20)).toBe(18);
  });

  it('returns 0 for bands too small to have an inner pixel', () => {
    expect(countEdges(solid(64, 2, 0), 0, 2)).toBe(0);
    expect(edgeDensityPercent(solid(64, 2, 0), 1, 1)).toBe(0);
  });
});

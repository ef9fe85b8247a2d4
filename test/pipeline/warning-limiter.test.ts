import { describe, expect, it } from 'vitest';
import { BAD_FRAME_WARNINGS_PER_WINDOW, BAD_FRAME_WINDOW_MS, MAX_KINDS, WarningLimiter } from '../../src/core/pipeline/warning-limiter.js';

function limiter() {
  let now = 1_000_000;
  const lines: string[] = [];
  const l = new WarningLimiter(
    (m) => lines.push(m),
    () => now,
  );
  return { l, lines, advance: (ms: number) => (now += ms) };
}

describe('WarningLimiter: bad-frame lines per device', () => {
  it('logs the first lines of a kind, holds the rest, and sums them up once the window is over', () => {
    const { l, lines, advance } = limiter();
    for (let i = 0; i < 25; i++) l.warn('thumbnail missing', `f${i}: thumbnail missing`);
    expect(lines).toEqual(Array.from({ length: BAD_FRAME_WARNINGS_PER_WINDOW }, (_, i) => `f${i}: thumbnail missing`));
    advance(BAD_FRAME_WINDOW_MS - 1);
    l.tick();
    expect(lines).toHaveLength(BAD_FRAME_WARNINGS_PER_WINDOW);
    advance(1);
    l.tick();
    expect(lines.at(-1)).toBe('f24: thumbnail missing (and 15 more like it in the last 60 s, not logged one by one)');
    // A new window: lines again, and nothing to sum up when nothing was held.
    l.warn('thumbnail missing', 'f25: thumbnail missing');
    expect(lines.at(-1)).toBe('f25: thumbnail missing');
    advance(BAD_FRAME_WINDOW_MS);
    l.tick();
    expect(lines.at(-1)).toBe('f25: thumbnail missing');
  });

  it('a flood of one kind does not hide a different problem', () => {
    const { l, lines } = limiter();
    for (let i = 0; i < 40; i++) l.warn('thumbnail missing', `f${i}: thumbnail missing`);
    l.warn('capture missing, thumbnail missing', 'f40: capture missing, thumbnail missing');
    expect(lines.at(-1)).toBe('f40: capture missing, thumbnail missing');
  });

  it(`tracks at most ${MAX_KINDS} kinds per window; further kinds share one slot`, () => {
    const { l, lines } = limiter();
    for (let i = 0; i < 1000; i++) l.warn(`thumbnail wrong size ${i}x1`, `f${i}`);
    expect(l.size).toBe(MAX_KINDS);
    // MAX_KINDS - 1 kinds fully shown (one line each), the shared slot up to the limit.
    expect(lines).toHaveLength(MAX_KINDS - 1 + BAD_FRAME_WARNINGS_PER_WINDOW);
  });

  it('flush() sums up what is held when the device stops before the window ends (a replay is seconds long)', () => {
    const { l, lines, advance } = limiter();
    for (let i = 0; i < 25; i++) l.warn('capture empty file', `f${i}: capture empty file`);
    advance(3_000);
    l.flush();
    expect(lines).toHaveLength(BAD_FRAME_WARNINGS_PER_WINDOW + 1);
    expect(lines.at(-1)).toBe(`f24: capture empty file (and ${25 - BAD_FRAME_WARNINGS_PER_WINDOW} more like it in the last 3 s, not logged one by one)`);
    l.flush();
    expect(lines).toHaveLength(BAD_FRAME_WARNINGS_PER_WINDOW + 1);
  });
});

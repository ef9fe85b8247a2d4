import { describe, expect, it } from 'vitest';
import { FrameDedupe, RECENT_SEQUENCES_CAP } from '../../src/core/live/frame-dedupe.js';

const t = (s: number) => 1_000_000 + s * 200;

describe('FrameDedupe', () => {
  it('accepts each frame once, in any order', () => {
    const d = new FrameDedupe();
    expect([3, 1, 2, 3, 1].map((s) => d.accept(s, t(s)))).toEqual([true, true, true, false, false]);
  });

  it('after startAfter(), what was on disk is stale and what follows is new', () => {
    const d = new FrameDedupe();
    d.startAfter(100, t(100));
    expect(d.mightBeNew(99)).toBe(false);
    expect(d.accept(99, t(99))).toBe(false);
    expect(d.accept(100, t(100))).toBe(false);
    expect(d.accept(101, t(101))).toBe(true);
  });

  it('holds at most the cap; below the evicted floor a frame is stale; above it, a missed one is still new', () => {
    const d = new FrameDedupe();
    let peak = 0;
    for (let s = 0; s < 10_000; s++) {
      if (s !== 9_500) d.accept(s, t(s));
      peak = Math.max(peak, d.size);
    }
    expect(peak).toBe(RECENT_SEQUENCES_CAP);
    expect(d.accept(9_500, t(9_500))).toBe(true); // missed earlier, inside the window
    expect(d.accept(100, t(100))).toBe(false); // far below the window: stale
  });

  it('a known sequence with a newer mtime than anything handed out is a numbering restart; old leftovers then stay stale', () => {
    const d = new FrameDedupe();
    for (let s = 5_000; s < 6_500; s++) d.accept(s, t(s));
    const restart = t(7_000);
    expect(d.accept(1, restart)).toBe(true);
    expect(d.accept(2, restart + 200)).toBe(true);
    // A file of the old run that was never handed out (older than the restart): stale.
    expect(d.accept(6_600, t(6_600))).toBe(false);
    // Restart while the old numbering is still in the set (small numbers): same rule.
    const small = new FrameDedupe();
    for (let s = 1; s <= 50; s++) small.accept(s, t(s));
    expect(small.accept(3, t(3))).toBe(false); // duplicate event, same file
    expect(small.accept(3, t(60))).toBe(true); // rewritten after everything: restart
  });
});

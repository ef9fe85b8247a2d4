import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/core/cache/bounded-map.js';

function clocked(maxEntries: number, maxAgeMs: number) {
  const clock = { now: 0 };
  const map = new BoundedMap<string, number>({ maxEntries, maxAgeMs, now: () => clock.now });
  return { map, clock };
}

describe('BoundedMap', () => {
  it('never exceeds maxEntries over 10,000 inserts, evicting the oldest and counting it', () => {
    const { map, clock } = clocked(100, 3_600_000);
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      clock.now = i;
      map.set(`frame${i}`, i);
      peak = Math.max(peak, map.size);
    }
    expect(peak).toBe(100);
    expect(map.stats()).toEqual({ size: 100, evictedForSize: 9_900, evictedForAge: 0 });
    expect(map.has('frame9899')).toBe(false);
    expect(map.get('frame9900')).toBe(9900);
  });

  it('re-setting a key makes it the newest, so the oldest-other is evicted', () => {
    const { map } = clocked(2, 1000);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()]).toEqual([['a', 3], ['c', 4]]);
  });

  it('expires entries older than maxAgeMs on access (the limit itself still lives)', () => {
    const { map, clock } = clocked(10, 1000);
    map.set('a', 1);
    clock.now = 1000;
    expect(map.get('a')).toBe(1);
    clock.now = 1001;
    expect(map.get('a')).toBeUndefined();
    expect(map.stats().evictedForAge).toBe(1);
  });

  it('sweep() frees exactly the aged entries', () => {
    const { map, clock } = clocked(1000, 60_000);
    for (let i = 0; i < 500; i++) {
      clock.now = i * 1000; // one entry per second
      map.set(`k${i}`, i);
    }
    // At t = 499 s, entries stored before t = 439 s are older than 60 s: k0..k438.
    expect(map.sweep(499_000)).toBe(439);
    expect(map.size).toBe(61);
    expect(map.get('k439')).toBe(439);
    expect(map.sweep(499_000)).toBe(0);
  });

  it('refuses nonsense bounds', () => {
    expect(() => new BoundedMap({ maxEntries: 0, maxAgeMs: 1 })).toThrow(RangeError);
    expect(() => new BoundedMap({ maxEntries: 1, maxAgeMs: 0 })).toThrow(RangeError);
  });
});

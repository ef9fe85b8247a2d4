import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/core/cache/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items, newest first, and hands back what it pushed out', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.push(1)).toBeUndefined();
    ring.push(2);
    ring.push(3);
    expect(ring.toArray()).toEqual([3, 2, 1]);
    expect(ring.push(4)).toBe(1);
    expect(ring.toArray()).toEqual([4, 3, 2]);
    expect(ring.at(0)).toBe(4);
    expect(ring.at(2)).toBe(2);
    expect(ring.at(3)).toBeUndefined();
    expect(ring.at(-1)).toBeUndefined();
  });

  it('never holds more than its capacity over 10,000 pushes', () => {
    const ring = new RingBuffer<Uint8Array>(3);
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      ring.push(new Uint8Array([i & 0xff]));
      peak = Math.max(peak, ring.size);
    }
    expect(peak).toBe(3);
    expect(ring.toArray().map((a) => a[0])).toEqual([9999 & 0xff, 9998 & 0xff, 9997 & 0xff]);
  });

  it('popNewest() takes from the newest end and frees the slot for the next push', () => {
    const ring = new RingBuffer<number>(3);
    for (const n of [1, 2, 3, 4]) ring.push(n);
    expect(ring.popNewest()).toBe(4);
    expect(ring.toArray()).toEqual([3, 2]);
    expect(ring.push(5)).toBeUndefined();
    expect(ring.toArray()).toEqual([5, 3, 2]);
    expect([ring.popNewest(), ring.popNewest(), ring.popNewest(), ring.popNewest()]).toEqual([5, 3, 2, undefined]);
    expect(ring.size).toBe(0);
  });

  it('popOldest() takes from the oldest end, mixing with popNewest and wrap-around', () => {
    const ring = new RingBuffer<number>(3);
    for (const n of [1, 2, 3, 4]) ring.push(n);
    expect(ring.popOldest()).toBe(2);
    ring.push(5);
    expect(ring.toArray()).toEqual([5, 4, 3]);
    expect([ring.popOldest(), ring.popNewest(), ring.popOldest(), ring.popOldest()]).toEqual([3, 5, 4, undefined]);
  });

  it('clear() frees every item and reports how many', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    expect(ring.clear()).toBe(2);
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

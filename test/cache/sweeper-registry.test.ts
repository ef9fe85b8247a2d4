import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/core/cache/ring-buffer.js';
import { formatSweepLine, MAX_SWEEPERS, SweeperRegistry } from '../../src/core/cache/sweeper-registry.js';

describe('SweeperRegistry', () => {
  it('runs every sweeper and reports per device what each freed', () => {
    const clock = { now: 0 };
    const registry = new SweeperRegistry();
    // A cache that forgets what it has not seen for a minute: sequence -> when it was seen.
    const seen = new Map<number, number>();
    const forgetOlderThan = (now: number) => {
      let freed = 0;
      for (const [sequence, at] of seen) if (now - at > 60_000 && seen.delete(sequence)) freed++;
      return freed;
    };
    for (let i = 0; i < 300; i++) {
      clock.now = i * 1000;
      seen.set(i, clock.now);
    }
    const ring = new RingBuffer<Uint8Array>(3);
    for (let i = 0; i < 5; i++) ring.push(new Uint8Array(57_600));
    registry.register({ name: 'seen-frames', device: 'capture1', sweep: (now) => ({ freedEntries: forgetOlderThan(now) }) });
    // A device that stopped sending frames: its freeze ring is released whole.
    registry.register({
      name: 'freeze-ring',
      device: 'capture2',
      sweep: () => {
        const freed = ring.clear();
        return { freedEntries: freed, freedBytes: freed * 57_600 };
      },
    });
    registry.register({
      name: 'broken',
      device: 'capture2',
      sweep: () => {
        throw new Error('disk gone');
      },
    });

    const reports = registry.sweepAll(299_000);
    expect(reports).toEqual([
      { device: 'capture1', freedEntries: 239, freedBytes: 0, caches: [{ name: 'seen-frames', freedEntries: 239 }] },
      {
        device: 'capture2',
        freedEntries: 3,
        freedBytes: 3 * 57_600,
        caches: [
          { name: 'freeze-ring', freedEntries: 3, freedBytes: 3 * 57_600 },
          { name: 'broken', freedEntries: 0, error: 'disk gone' },
        ],
      },
    ]);
    expect(seen.size).toBe(61);
    expect(ring.size).toBe(0);
  });

  it('unregisters, and is itself bounded', () => {
    const registry = new SweeperRegistry();
    const off = registry.register({ name: 'x', sweep: () => ({ freedEntries: 0 }) });
    off();
    expect(registry.size).toBe(0);
    for (let i = 0; i < MAX_SWEEPERS; i++) registry.register({ name: `c${i}`, sweep: () => ({ freedEntries: 0 }) });
    expect(() => registry.register({ name: 'one-too-many', sweep: () => ({ freedEntries: 0 }) })).toThrow(RangeError);
    expect(registry.size).toBe(MAX_SWEEPERS);
  });

  it('formats the design log line', () => {
    expect(formatSweepLine('capture1', 3_600_000)).toBe('[capture1] Memory cache cleanup completed (next cleanup in 1.0h)');
    expect(formatSweepLine('capture2', 30 * 60_000)).toBe('[capture2] Memory cache cleanup completed (next cleanup in 30.0m)');
    expect(formatSweepLine(undefined, 3_600_000)).toBe('[monitor] Memory cache cleanup completed (next cleanup in 1.0h)');
  });
});

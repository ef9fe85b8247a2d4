import { describe, expect, it } from 'vitest';
import { DeviceSummaryBuilder, MAX_SUMMARY_ITEMS } from '../../src/core/replay/replay-summary.js';

const T = 1_700_000_000_000;

describe('DeviceSummaryBuilder', () => {
  it(`lists at most ${MAX_SUMMARY_ITEMS} items per list and counts the rest`, () => {
    const b = new DeviceSummaryBuilder('capture1', 5);
    const n = MAX_SUMMARY_ITEMS + 25;
    for (let i = 0; i < n; i++) {
      b.add({ kind: 'zap', device: 'capture1', startSequence: i, startMs: T, lastSequence: i, endSequence: i + 1, endMs: T + 200, durationMs: 200 });
    }
    const s = b.finish([], 0, 0);
    expect(s.zaps).toHaveLength(MAX_SUMMARY_ITEMS);
    expect(s.dropped).toBe(25);
  });

  it('lists confirmed events still open at the end as ongoing, and drops unconfirmed ones', () => {
    const b = new DeviceSummaryBuilder('capture1', 5);
    b.frame(true, { sequence: 0, timeMs: T });
    b.frame(true, { sequence: 40, timeMs: T + 8000 });
    const s = b.finish(
      [
        { device: 'capture1', type: 'freeze', startSequence: 10, startMs: T + 2000, durationMs: 6000, lastMs: T + 8000, confirmed: true },
        { device: 'capture1', type: 'blackscreen', startSequence: 38, startMs: T + 7600, durationMs: 400, lastMs: T + 8000, confirmed: false },
      ],
      0,
      0,
    );
    expect(s.events).toEqual([expect.objectContaining({ type: 'freeze', ongoing: true, end: null, endSequence: null, durationMs: 6000 })]);
    expect(s).toMatchObject({ frames: 2, analysed: 2, firstSequence: 0, lastSequence: 40 });
  });
});

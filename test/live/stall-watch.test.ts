import { describe, expect, it } from 'vitest';
import { CLOCK_JUMP_TOLERANCE_MS, StallWatch } from '../../src/core/live/stall-watch.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');

/** Two clocks the test moves: wall (may jump) and monotonic (never does). */
function clocks() {
  const c = { wall: T0, mono: 1_000, advance: (ms: number) => ((c.wall += ms), (c.mono += ms)) };
  return c;
}

function watch(c: ReturnType<typeof clocks>, stallAfterMs = 10_000) {
  return new StallWatch({
    devices: [
      { name: 'capture1', stallAfterMs },
      { name: 'vnc1', stallAfterMs: 20_000 },
    ],
    now: () => c.wall,
    monotonic: () => c.mono,
  });
}

describe('StallWatch', () => {
  it('a device that never sent a frame stalls from the start; its first frame ends it', () => {
    const c = clocks();
    const w = watch(c);
    c.advance(9_999);
    expect(w.check()).toEqual([]);
    c.advance(1);
    expect(w.check()).toEqual([{ kind: 'stall_started', device: 'capture1', type: 'capture_stalled', startMs: T0 }]);
    expect(w.check()).toEqual([]); // reported once
    c.advance(10_000);
    // The per-device stall time: vnc1 waits 20 s.
    expect(w.check()).toEqual([{ kind: 'stall_started', device: 'vnc1', type: 'capture_stalled', startMs: T0 }]);
    c.advance(500);
    expect(w.frameSeen('capture1')).toEqual([{ kind: 'stall_ended', device: 'capture1', type: 'capture_stalled', startMs: T0, endMs: T0 + 20_500 }]);
    expect(w.ongoing('capture1')).toEqual([]);
    expect(w.ongoing('vnc1')).toEqual([{ type: 'capture_stalled', startMs: T0 }]);
  });

  it('frames keep it quiet; the stall starts at the last frame', () => {
    const c = clocks();
    const w = watch(c);
    for (let i = 0; i < 100; i++) {
      c.advance(200);
      w.frameSeen('capture1');
      w.frameSeen('vnc1');
      expect(w.check()).toEqual([]);
    }
    const last = c.wall;
    c.advance(10_000);
    expect(w.check()).toEqual([{ kind: 'stall_started', device: 'capture1', type: 'capture_stalled', startMs: last }]);
  });

  it('segments that stop while frames go on: segments_stalled; none before the first segment; none when the picture stopped too', () => {
    const c = clocks();
    const w = watch(c);
    for (let i = 0; i < 60; i++) {
      c.advance(500);
      w.frameSeen('capture1');
      w.frameSeen('vnc1');
      if (i < 10 && i % 2 === 0) w.segmentSeen('capture1'); // vnc1 has no audio at all
      w.check();
    }
    expect(w.ongoing('capture1')).toEqual([{ type: 'segments_stalled', startMs: T0 + 9 * 500 }]);
    expect(w.ongoing('vnc1')).toEqual([]);
    expect(w.segmentSeen('capture1')).toMatchObject([{ kind: 'stall_ended', type: 'segments_stalled' }]);
    // Both stop: only the capture stall.
    c.advance(30_000);
    expect(w.check().map((r) => r.kind === 'stall_started' && `${r.device} ${r.type}`)).toEqual(['capture1 capture_stalled', 'vnc1 capture_stalled']);
  });

  it('a clock step (NTP, suspend) opens nothing and restarts the timers, forward or back', () => {
    for (const jump of [3_600_000, -3_600_000, CLOCK_JUMP_TOLERANCE_MS + 1]) {
      const c = clocks();
      const w = watch(c);
      c.advance(5_000);
      w.frameSeen('capture1');
      w.frameSeen('vnc1');
      c.wall += jump; // the wall clock moves, the monotonic one does not
      c.advance(1_000);
      expect(w.check()).toEqual([{ kind: 'clock_jump', jumpMs: jump }]);
      c.advance(9_000);
      expect(w.check()).toEqual([]);
      c.advance(1_000);
      // A real stall still counts, from the restart.
      expect(w.check()).toEqual([{ kind: 'stall_started', device: 'capture1', type: 'capture_stalled', startMs: T0 + 6_000 + jump }]);
    }
  });

  it('timer slack under the tolerance is not a jump', () => {
    const c = clocks();
    const w = watch(c);
    c.advance(1_000);
    c.wall += CLOCK_JUMP_TOLERANCE_MS - 1;
    expect(w.check()).toEqual([]);
  });
});

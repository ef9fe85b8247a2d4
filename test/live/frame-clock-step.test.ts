import { describe, expect, it } from 'vitest';
import { EventTracker } from '../../src/core/events/event-tracker.js';
import { FRAME_CLOCK_STEP_MS, SteplessFrameClock } from '../../src/core/live/frame-clock.js';
import { T0, useFaultRigs } from '../faults/fault-rig.js';
import { FRAME_INTERVAL_MS, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';

/**
 * Issue 29 item 8: live, a frame's time is its mtime, written on the wall clock. Moved back 2 h during a
 * black stretch, the stretch "ended after -7185949ms" and its incident was stored resolved before it
 * opened; moved forward 5 min during 9 s, it lasted 309 s. Durations now come from the frame clock
 * with the steps taken out (the frames' arrival on the monotonic clock across a step).
 */
const H = 3_600_000;

describe('SteplessFrameClock', () => {
  it('keeps mtime differences, takes the arrival difference across a step back or forward, and ignores a pause of the monitor', () => {
    const clock = new SteplessFrameClock();
    expect(clock.steplessOf(T0, 1_000)).toBe(T0);
    expect(clock.steplessOf(T0 + 200, 1_200)).toBe(T0 + 200);
    // The wall clock steps back 2 h between two frames 200 ms apart.
    expect(clock.steplessOf(T0 + 400 - 2 * H, 1_400)).toBe(T0 + 400);
    expect(clock.steplessOf(T0 + 600 - 2 * H, 1_600)).toBe(T0 + 600);
    // And forward 5 min.
    expect(clock.steplessOf(T0 + 800 - 2 * H + 5 * 60_000, 1_800)).toBe(T0 + 800);
    // The monitor paused 40 s (frames written meanwhile, claimed in a burst): the mtimes are right.
    expect(clock.steplessOf(T0 + 1_000 - 2 * H + 5 * 60_000, 41_800)).toBe(T0 + 1_000);
    // A rescan finding a frame late (within FRAME_CLOCK_STEP_MS): its mtime is right too.
    expect(clock.steplessOf(T0 + 1_200 - 2 * H + 5 * 60_000, 41_800 + FRAME_CLOCK_STEP_MS - 1_000)).toBe(T0 + 1_200);
  });

  it('the event tracker measures across a step on the stepless clock; the end is its start plus that', () => {
    const tracker = new EventTracker('capture1', 1_000, 1_000);
    const records = [];
    // 9 s of black at 5 fps, the wall clock stepped forward 5 min after 4 s; then 2 s clear.
    for (let i = 0; i <= 55; i++) {
      const stepless = T0 + i * 200;
      const timeMs = stepless + (i >= 20 ? 5 * 60_000 : 0);
      records.push(...tracker.update({ sequence: i, timeMs, steplessMs: stepless }, { blackscreen: i < 45 }));
    }
    const ended = records.find((r) => r.kind === 'event_ended')!;
    expect(ended).toMatchObject({ startMs: T0, durationMs: 9_000, endMs: T0 + 9_000 });
  });
});

describe('vpt monitor (live): the wall clock steps back 2 h during a freeze', () => {
  const rigs = useFaultRigs('vpt-step-');

  it('the event lasts its frames, not minus two hours; the incident resolves no earlier than it opened', async () => {
    const rig = await rigs.create();
    await rig.start(['--min-event', '1s', '--incident-delay', '2s']);
    // The frames' mtimes: the capture clock, 2 h behind from frame 20 on (the step).
    const mtime = (s: number) => T0 + s * FRAME_INTERVAL_MS - (s >= 20 ? 2 * H : 0);
    const write = async (s: number, picture: number) => {
      await writeFrameLikeFfmpeg(rig.live, s, mtime(s), rig.good.captures[picture]!, rig.good.thumbnails[picture]!);
      await rig.waitForFrame(s);
    };
    for (let s = 1; s <= 5; s++) await write(s, s % rig.good.captures.length);
    // 25 frames of one picture (a 5 s freeze on the frame clock), then moving again.
    for (let s = 6; s <= 30; s++) await write(s, 6);
    for (let s = 31; s <= 42; s++) await write(s, s % rig.good.captures.length);
    const ended = await rig.monitor.waitForEvent((e) => e.event === 'event_ended' && e.type === 'freeze', 'the freeze ended');
    expect(ended.duration_ms as number).toBeGreaterThan(0);
    expect(ended.duration_ms as number).toBeLessThan(60_000);
    const resolved = await rig.monitor.waitForEvent((e) => e.event === 'incident_resolved', 'the incident resolved');
    const opened = rig.monitor.events.find((e) => e.event === 'incident_opened')!;
    expect(Date.parse(resolved.ts as string)).toBeGreaterThanOrEqual(Date.parse(opened.ts as string));
    rig.expectAlive();
    expect((await rig.stop()).exitCode).toBe(0);
  }, 120_000);
});

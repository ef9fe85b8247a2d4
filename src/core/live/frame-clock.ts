/**
 * Between two consecutive frames of a device, the frame clock (mtimes, written on the wall clock) may
 * move this much more than the frames' arrival did, or back by this much, before it counts as a step
 * of the wall clock rather than a late claim: the watcher claims a frame up to a rescan (5 s) after it
 * landed, a starved one later still.
 */
export const FRAME_CLOCK_STEP_MS = 30_000;

/**
 * The live frame clock with the wall clock's steps taken out, for durations only (timestamps stay the
 * mtimes). A frame's mtime is the wall clock when ffmpeg wrote it: moved back 2 h during a black
 * stretch, the stretch "ended after -7185949ms"; moved forward 5 min during 9 s, it lasted 309 s.
 * Across a step, the time between two frames is taken from their arrival on a clock that never steps
 * (performance.now()) instead. A pause of the monitor itself (frames written meanwhile, claimed in a
 * burst afterwards) is no step: their mtimes are right and are kept. One per device, a few numbers.
 */
export class SteplessFrameClock {
  private last: { timeMs: number; seenMs: number; steplessMs: number } | undefined;

  /** `timeMs`: the frame's mtime; `seenMs`: when it was found, on the monotonic clock. Returns its stepless time. */
  steplessOf(timeMs: number, seenMs: number): number {
    const last = this.last;
    if (last === undefined) {
      this.last = { timeMs, seenMs, steplessMs: timeMs };
      return timeMs;
    }
    const wallDelta = timeMs - last.timeMs;
    const seenDelta = seenMs - last.seenMs;
    const stepped = wallDelta < -FRAME_CLOCK_STEP_MS || wallDelta - seenDelta > FRAME_CLOCK_STEP_MS;
    const steplessMs = last.steplessMs + (stepped ? Math.max(0, seenDelta) : wallDelta);
    this.last = { timeMs, seenMs, steplessMs };
    return steplessMs;
  }
}

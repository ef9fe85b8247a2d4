/** The measured frame rate covers this much recent time. */
export const FPS_WINDOW_SECONDS = 60;

/**
 * Frames per second over the last minute, in FPS_WINDOW_SECONDS one-second
 * buckets allocated once: memory is fixed whatever the frame rate or uptime.
 * Time is the wall clock in ms; a bucket is reused once its second is
 * a window old.
 */
export class FpsWindow {
  private readonly counts = new Uint32Array(FPS_WINDOW_SECONDS);
  /** Which absolute second each bucket holds now. */
  private readonly seconds = new Float64Array(FPS_WINDOW_SECONDS).fill(Number.NEGATIVE_INFINITY);
  private readonly since: number;

  /** `startedMs`: the window never spans time before this (a fresh monitor is not "0.1 fps"). */
  constructor(startedMs: number) {
    this.since = startedMs;
  }

  add(atMs: number): void {
    const second = Math.floor(atMs / 1000);
    const i = mod(second, FPS_WINDOW_SECONDS);
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.counts[i] = 0;
    }
    this.counts[i]!++;
  }

  /** Frames per second over the last window (or since start, when younger), rounded to 0.01. */
  rate(nowMs: number): number {
    const now = Math.floor(nowMs / 1000);
    let frames = 0;
    for (let i = 0; i < FPS_WINDOW_SECONDS; i++) {
      const s = this.seconds[i]!;
      if (s > now - FPS_WINDOW_SECONDS && s <= now) frames += this.counts[i]!;
    }
    // At least one second: a monitor 300 ms old with 2 frames has seen "2 fps", not 6.7.
    const spanMs = Math.max(1000, Math.min(FPS_WINDOW_SECONDS * 1000, nowMs - this.since));
    return Math.round((frames / (spanMs / 1000)) * 100) / 100;
  }
}

const mod = (n: number, m: number): number => ((n % m) + m) % m;

/**
 * The recent audio levels of one device on the frame clock: a ring of
 * fixed-size windows, preallocated. It answers the zap check (levels around
 * a short black gap) and the per-frame JSON's volume.
 */

/** Length of one level window: boundaries come out within this of the sound's own (the goal is 0.2 s). */
export const LEVEL_WINDOW_MS = 50;
/**
 * How much level history a device keeps: a zap candidate lasts under 10 s,
 * its check looks 1 s either side, and live audio lags the frames by a
 * segment or two. 2 minutes is 2,400 windows, 28 KB per device.
 */
export const LEVEL_HISTORY_MS = 120_000;
export const LEVEL_HISTORY_WINDOWS = LEVEL_HISTORY_MS / LEVEL_WINDOW_MS;

export class LevelHistory {
  private readonly starts = new Float64Array(LEVEL_HISTORY_WINDOWS);
  private readonly levels = new Float32Array(LEVEL_HISTORY_WINDOWS);
  private next = 0;
  private count = 0;

  /** Windows must come in time order (one stream at a time; a restarted stream continues after the last). */
  push(startMs: number, db: number): void {
    this.starts[this.next] = startMs;
    this.levels[this.next] = db;
    this.next = (this.next + 1) % LEVEL_HISTORY_WINDOWS;
    if (this.count < LEVEL_HISTORY_WINDOWS) this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** End of the newest window (frame clock), or undefined before the first. */
  coveredUntil(): number | undefined {
    if (this.count === 0) return undefined;
    return this.starts[this.index(this.count - 1)]! + LEVEL_WINDOW_MS;
  }

  /** Start of the oldest window held. */
  oldest(): number | undefined {
    return this.count === 0 ? undefined : this.starts[this.index(0)];
  }

  /** Windows that start in [fromMs, toMs), oldest first (a zap check: at most a dozen seconds of them). */
  between(fromMs: number, toMs: number): { startMs: number; db: number }[] {
    const out: { startMs: number; db: number }[] = [];
    this.scan(fromMs, toMs, (startMs, db) => out.push({ startMs, db }));
    return out.reverse();
  }

  /** Mean level (dB of the mean power) of the windows in [fromMs, toMs), like volumedetect's mean_volume; undefined when none. */
  meanDb(fromMs: number, toMs: number): number | undefined {
    let power = 0;
    let n = 0;
    this.scan(fromMs, toMs, (_startMs, db) => {
      power += 10 ** (db / 10);
      n++;
    });
    return n === 0 ? undefined : 10 * Math.log10(power / n);
  }

  /**
   * The windows in [fromMs, toMs), newest first: the ring is in time order, so the scan stops at the
   * first window older than fromMs. A frame asks for its last second (20 windows); scanning the whole
   * ring (2,400) for each frame cost a replay ~0.2 ms a frame.
   */
  private scan(fromMs: number, toMs: number, visit: (startMs: number, db: number) => void): void {
    for (let i = this.count - 1; i >= 0; i--) {
      const at = this.index(i);
      const start = this.starts[at]!;
      if (start < fromMs) return;
      if (start < toMs) visit(start, this.levels[at]!);
    }
  }

  private index(i: number): number {
    return (this.next - this.count + i + LEVEL_HISTORY_WINDOWS) % LEVEL_HISTORY_WINDOWS;
  }
}

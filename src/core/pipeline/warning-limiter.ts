/**
 * Bad-frame warnings of one device, at most LIMIT a minute for each kind of problem. A device
 * whose thumbnails stop, or whose grabber writes garbage, would otherwise put 5 lines a second
 * into the journal for as long as it lasts. The first lines of a kind in each window are logged
 * as they are; the rest are counted and summed up in one line when the window ends (checked on
 * every frame), naming the latest. Each frame's JSON keeps its own error, so only repetition is
 * lost. Bound: MAX_KINDS kinds per window (problem texts are a small fixed set; any beyond share
 * one slot).
 */

export const BAD_FRAME_WARNINGS_PER_WINDOW = 10;
export const BAD_FRAME_WINDOW_MS = 60_000;
export const MAX_KINDS = 16;
const OTHER = '(other problems)';

interface KindCount {
  shown: number;
  held: number;
  latest: string;
}

export class WarningLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private readonly kinds = new Map<string, KindCount>();

  constructor(
    private readonly emit: (message: string) => void,
    private readonly now: () => number = Date.now,
    private readonly limit = BAD_FRAME_WARNINGS_PER_WINDOW,
    private readonly windowMs = BAD_FRAME_WINDOW_MS,
  ) {}

  /** One bad frame with a problem of this kind: logged, or counted when its kind had `limit` lines in this window. */
  warn(kind: string, message: string): void {
    this.tick();
    const key = this.kinds.has(kind) || this.kinds.size < MAX_KINDS - 1 ? kind : OTHER;
    let count = this.kinds.get(key);
    if (!count) this.kinds.set(key, (count = { shown: 0, held: 0, latest: '' }));
    if (count.shown < this.limit) {
      count.shown++;
      this.emit(message);
    } else {
      count.held++;
      count.latest = message;
    }
  }

  /** Ends the window when it is over: one summary line per kind that had lines held back. */
  tick(): void {
    if (this.now() - this.windowStart >= this.windowMs) this.flush();
  }

  /** Ends the window now (the device stops: a replay's end, shutdown), so no held count is lost. */
  flush(): void {
    const now = this.now();
    const seconds = Number.isFinite(this.windowStart) ? Math.round((now - this.windowStart) / 1000) : 0;
    for (const count of this.kinds.values()) {
      if (count.held > 0) this.emit(`${count.latest} (and ${count.held} more like it in the last ${seconds} s, not logged one by one)`);
    }
    this.kinds.clear();
    this.windowStart = now;
  }

  /** Kinds tracked in the current window (for the bound's test). */
  get size(): number {
    return this.kinds.size;
  }
}

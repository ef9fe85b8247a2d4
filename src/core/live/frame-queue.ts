import { RingBuffer } from '../cache/ring-buffer.js';

/** docs/design.md / `--queue-limit`: frames waiting per device before the oldest are dropped. */
export const DEFAULT_QUEUE_LIMIT = 150;
/** Above this many waiting frames the analysis samples every 5th frame until the queue drains. */
export const BACKLOG_THRESHOLD = 50;

export interface QueuedFrame {
  sequence: number;
}

export type QueueRecord =
  /** The first drop of a burst: the one warning an operator sees. */
  | { kind: 'drop_burst'; device: string; limit: number }
  /** The burst is over (or flushed at stop): how many frames it cost. */
  | { kind: 'dropped'; device: string; count: number; firstSequence: number; lastSequence: number; total: number }
  | { kind: 'queue_backlog'; device: string; active: boolean; size: number };

export interface FrameQueueOptions {
  device: string;
  limit?: number;
  onRecord?: (record: QueueRecord) => void;
}

/**
 * One device's waiting frames. A stale frame is worth less than a fresh
 * one: beyond `limit` the oldest waiting frames are dropped, and under
 * backlog the newest is handed out first (LIFO). Without backlog (a few
 * frames waiting, i.e. seconds at most) frames come out in capture order,
 * because the event tracker measures events on the frame clock and a
 * reordering there would cut events in pieces for no freshness gained.
 * The ring holds at most `limit` frames whatever the input rate; the set of
 * queued sequences mirrors it (same bound).
 *
 * Backlog has hysteresis: it starts above BACKLOG_THRESHOLD and lasts until
 * the queue is empty, so sampling does not flap at the threshold and the
 * device always catches up.
 */
export class FrameQueue<F extends QueuedFrame> {
  readonly device: string;
  readonly limit: number;
  private readonly ring: RingBuffer<F>;
  private readonly queued = new Set<number>();
  private readonly onRecord: (record: QueueRecord) => void;
  private inBacklog = false;
  private burst: { count: number; first: number; last: number } | undefined;
  private droppedTotal = 0;

  constructor(options: FrameQueueOptions) {
    this.device = options.device;
    this.limit = options.limit ?? DEFAULT_QUEUE_LIMIT;
    this.ring = new RingBuffer<F>(this.limit);
    this.onRecord = options.onRecord ?? (() => undefined);
  }

  get size(): number {
    return this.ring.size;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Whether analysis should sample (every 5th frame) to catch up. */
  get backlog(): boolean {
    return this.inBacklog;
  }

  /** Queue a frame; a sequence already waiting is ignored (returns false). */
  push(frame: F): boolean {
    if (this.queued.has(frame.sequence)) return false;
    const evicted = this.ring.push(frame);
    this.queued.add(frame.sequence);
    if (evicted) {
      this.queued.delete(evicted.sequence);
      this.recordDrop(evicted.sequence);
    }
    if (!this.inBacklog && this.ring.size > BACKLOG_THRESHOLD) {
      this.inBacklog = true;
      this.onRecord({ kind: 'queue_backlog', device: this.device, active: true, size: this.ring.size });
    }
    return true;
  }

  /** The next frame to analyse (newest under backlog, else oldest), or undefined when caught up. */
  pop(): F | undefined {
    const frame = this.inBacklog ? this.ring.popNewest() : this.ring.popOldest();
    if (frame) this.queued.delete(frame.sequence);
    if (this.burst && this.ring.size <= BACKLOG_THRESHOLD) this.flushDrops();
    if (this.inBacklog && this.ring.size === 0) {
      this.inBacklog = false;
      this.onRecord({ kind: 'queue_backlog', device: this.device, active: false, size: 0 });
    }
    return frame;
  }

  /** Report the drops of the burst in progress (at stop, or when it ends). */
  flushDrops(): void {
    if (!this.burst) return;
    const { count, first, last } = this.burst;
    this.burst = undefined;
    this.onRecord({ kind: 'dropped', device: this.device, count, firstSequence: first, lastSequence: last, total: this.droppedTotal });
  }

  /** Forget every waiting frame (device removed, shutdown); returns how many. */
  clear(): number {
    this.queued.clear();
    return this.ring.clear();
  }

  private recordDrop(sequence: number): void {
    this.droppedTotal++;
    if (!this.burst) {
      this.burst = { count: 0, first: sequence, last: sequence };
      this.onRecord({ kind: 'drop_burst', device: this.device, limit: this.limit });
    }
    this.burst.count++;
    this.burst.first = Math.min(this.burst.first, sequence);
    this.burst.last = Math.max(this.burst.last, sequence);
  }
}

import { THUMBNAIL_SIZE } from '../frames/frame-size.js';
import type { GrayFrame } from '../frames/gray-frame.js';

/**
 * Thumbnails kept per device for the freeze comparison (docs/design.md: "the
 * previous 3 thumbnails"). This ring is the whole freeze cache: the old
 * monitor's unbounded thumbnail cache is what leaked.
 */
export const FREEZE_RING_SIZE = 3;

/**
 * The last FREEZE_RING_SIZE thumbnails of one device, copied into buffers
 * allocated once. Pushing never allocates unless the frame size changes
 * (then only that slot's buffer is replaced), so memory is bounded by
 * FREEZE_RING_SIZE frames whatever the uptime.
 */
export class FreezeRing {
  private readonly slots: GrayFrame[];
  /** Index of the slot the next push overwrites (the oldest one). */
  private next = 0;
  private count = 0;

  constructor(width: number = THUMBNAIL_SIZE.width, height: number = THUMBNAIL_SIZE.height) {
    this.slots = Array.from({ length: FREEZE_RING_SIZE }, () => ({
      data: new Uint8Array(width * height),
      width,
      height,
    }));
  }

  /** Frames held, 0..FREEZE_RING_SIZE. */
  get size(): number {
    return this.count;
  }

  /** Buffers owned by the ring: always FREEZE_RING_SIZE. */
  get bufferCount(): number {
    return this.slots.length;
  }

  /** Copy a frame in, replacing the oldest. The caller keeps ownership of `frame`. */
  push(frame: GrayFrame): void {
    const slot = this.slots[this.next]!;
    const pixels = frame.width * frame.height;
    if (slot.data.length !== pixels) slot.data = new Uint8Array(pixels);
    slot.data.set(frame.data.subarray(0, pixels));
    slot.width = frame.width;
    slot.height = frame.height;
    this.next = (this.next + 1) % FREEZE_RING_SIZE;
    if (this.count < FREEZE_RING_SIZE) this.count++;
  }

  /**
   * The held frames, newest first. They are views of the ring's buffers:
   * valid until the next push, so compare first, then push the current frame.
   */
  previous(): GrayFrame[] {
    const out: GrayFrame[] = [];
    for (let k = 1; k <= this.count; k++) {
      out.push(this.slots[(this.next - k + FREEZE_RING_SIZE) % FREEZE_RING_SIZE]!);
    }
    return out;
  }

  /** Forget every frame (e.g. after a gap or a zap); the buffers are kept for reuse. */
  clear(): void {
    this.count = 0;
    this.next = 0;
  }
}

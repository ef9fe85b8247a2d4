/**
 * A fixed-capacity ring: pushing into a full ring overwrites the oldest item.
 * Memory is the capacity, allocated once, whatever the uptime (the freeze
 * cache is a ring of 3 thumbnails per device).
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly items: (T | undefined)[];
  /** Index the next push writes to. */
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Add the newest item; returns the item it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    const evicted = this.count === this.capacity ? this.items[this.head] : undefined;
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return evicted;
  }

  /** Remove and return the newest item (LIFO use, e.g. the frame queue). */
  popNewest(): T | undefined {
    if (this.count === 0) return undefined;
    this.head = (this.head - 1 + this.capacity) % this.capacity;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.count--;
    return item;
  }

  /** Remove and return the oldest item (FIFO use). */
  popOldest(): T | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head - this.count + this.capacity) % this.capacity;
    const item = this.items[index];
    this.items[index] = undefined;
    this.count--;
    return item;
  }

  /** The i-th newest item: at(0) is the newest. */
  at(i: number): T | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    return this.items[(this.head - 1 - i + this.capacity * 2) % this.capacity];
  }

  /** Newest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i)!);
    return out;
  }

  /** Drop everything (releases the references); returns how many items it held. */
  clear(): number {
    const freed = this.count;
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
    return freed;
  }
}

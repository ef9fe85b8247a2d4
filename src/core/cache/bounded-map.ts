export interface BoundedMapOptions {
  /** Hard cap on entries: the oldest entry is evicted to make room. */
  maxEntries: number;
  /** Entries older than this are expired on access and by sweep(). */
  maxAgeMs: number;
  /** Clock for ages (the wall clock by default; tests and replay inject one). */
  now?: () => number;
}

export interface BoundedMapStats {
  size: number;
  evictedForSize: number;
  evictedForAge: number;
}

interface Slot<V> {
  value: V;
  storedAt: number;
}

/**
 * A Map with a size cap and an age limit: every map keyed by device, frame
 * or path in the monitor is one of these, so none can grow with uptime.
 * Insertion order is age order (a set() moves the key to the newest end), so
 * eviction of the oldest and the sweep are both cheap walks from the front.
 */
export class BoundedMap<K, V> {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly map = new Map<K, Slot<V>>();
  private evictedForSize = 0;
  private evictedForAge = 0;

  constructor(options: BoundedMapOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${options.maxEntries}`);
    }
    if (!(options.maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be positive, got ${options.maxAgeMs}`);
    this.maxEntries = options.maxEntries;
    this.maxAgeMs = options.maxAgeMs;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, { value, storedAt: this.now() });
    while (this.map.size > this.maxEntries) {
      this.map.delete(this.map.keys().next().value as K);
      this.evictedForSize++;
    }
    return this;
  }

  get(key: K): V | undefined {
    return this.live(key)?.value;
  }

  has(key: K): boolean {
    return this.live(key) !== undefined;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): number {
    const freed = this.map.size;
    this.map.clear();
    return freed;
  }

  /** Remove every entry older than maxAgeMs at `now`; returns how many. */
  sweep(now = this.now()): number {
    let freed = 0;
    for (const [key, slot] of this.map) {
      // Insertion order is age order: the first young entry ends the walk.
      if (now - slot.storedAt <= this.maxAgeMs) break;
      this.map.delete(key);
      freed++;
    }
    this.evictedForAge += freed;
    return freed;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.map) yield [key, slot.value];
  }

  private live(key: K): Slot<V> | undefined {
    const slot = this.map.get(key);
    if (slot && this.now() - slot.storedAt > this.maxAgeMs) {
      this.map.delete(key);
      this.evictedForAge++;
      return undefined;
    }
    return slot;
  }

  stats(): BoundedMapStats {
    return { size: this.map.size, evictedForSize: this.evictedForSize, evictedForAge: this.evictedForAge };
  }
}

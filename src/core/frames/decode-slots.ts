/**
 * A counting semaphore for decodes: at most `limit` run at once, the others
 * wait in arrival order. The waiting list holds one resolver per frame
 * waiting, so it is bounded by the frames the callers keep in flight
 * (devices x prefetch), not by the input.
 */
export class DecodeSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves with the release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: `running` stays the same.
      if (next) next();
      else this.running--;
    };
  }
}

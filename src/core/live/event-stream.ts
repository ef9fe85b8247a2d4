/**
 * One typed stream of events with its subscribers: the monitor service's
 * outputs (the command's printer, the webhook, Alertmanager, the page, the
 * counters of the exit summary) each subscribe once at start, and each event
 * reaches them in the order they subscribed.
 */
export class EventStream<E> {
  /** One per output: a bound, not a cache; subscribing more is a programming error. */
  static readonly MAX_SUBSCRIBERS = 16;
  private readonly subscribers: ((event: E) => void)[] = [];

  subscribe(subscriber: (event: E) => void): void {
    if (this.subscribers.length >= EventStream.MAX_SUBSCRIBERS) throw new Error(`more than ${EventStream.MAX_SUBSCRIBERS} subscribers to one event stream`);
    this.subscribers.push(subscriber);
  }

  emit(event: E): void {
    for (const subscriber of this.subscribers) subscriber(event);
  }
}

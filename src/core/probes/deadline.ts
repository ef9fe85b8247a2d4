/** What withDeadline resolves to when the work did not finish in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * `work`'s outcome, or TIMED_OUT once `ms` have passed without it. On a loaded host the event loop
 * can be held up past the deadline (CPU hogs, a long synchronous /proc scan) while the work itself
 * already finished: its completion then waits in the poll phase, which runs after the timers. So
 * the expired timer grants one more loop turn (setImmediate, after the poll phase) before it calls
 * the work late. That is what lost the report's disk section under load ("statfs / timed out").
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        resolve(TIMED_OUT);
      });
    }, ms);
    // A hung statfs or probe must not keep the process alive after the work is done.
    timer.unref();
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

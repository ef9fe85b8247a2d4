/**
 * Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay prints
 * TimeoutOverflowWarning and fires after 1 ms, so `--heartbeat 30d` once
 * printed thousands of lines a second. A longer period is waited in steps of
 * at most MAX_TIMER_MS, each step one timer.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RepeatTimer {
  clear(): void;
}

/** Run `fn` every `periodMs` (any length up to a year or more), like setInterval; `clear()` stops it. */
export function repeatEvery(periodMs: number, fn: () => void): RepeatTimer {
  if (periodMs <= MAX_TIMER_MS) {
    const timer = setInterval(fn, periodMs);
    return { clear: () => clearInterval(timer) };
  }
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;
  const wait = (remainingMs: number): void => {
    timer = setTimeout(
      () => {
        if (remainingMs > MAX_TIMER_MS) return wait(remainingMs - MAX_TIMER_MS);
        fn();
        if (!cleared) wait(periodMs);
      },
      Math.min(remainingMs, MAX_TIMER_MS),
    );
  };
  wait(periodMs);
  return {
    clear: () => {
      cleared = true;
      clearTimeout(timer);
    },
  };
}

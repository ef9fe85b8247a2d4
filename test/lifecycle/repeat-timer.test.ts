import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, repeatEvery } from '../../src/core/lifecycle/repeat-timer.js';

const DAY = 86_400_000;

afterEach(() => vi.useRealTimers());

describe('repeatEvery', () => {
  it('a period longer than a Node timer holds fires once per period, never early', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const timer = repeatEvery(30 * DAY, fn);
    vi.advanceTimersByTime(30 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30 * DAY);
    expect(fn).toHaveBeenCalledTimes(2);
    timer.clear();
    vi.advanceTimersByTime(60 * DAY);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a short period is a plain interval', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const timer = repeatEvery(1_000, fn);
    vi.advanceTimersByTime(3_500);
    expect(fn).toHaveBeenCalledTimes(3);
    timer.clear();
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
  });
});

/**
 * Rate limit of actions per key (device and trigger): at most `maxRuns`
 * within `windowMs`, and after each run a wait that doubles (backoff,
 * 2 x backoff, ...) before the next, so a command that does not help is not
 * run in a loop. Holds the run times of the window per key, at most maxRuns
 * each, for at most MAX_LIMITED_KEYS keys (the least recently used goes).
 */
export const MAX_LIMITED_KEYS = 1024;

export interface LimiterSettings {
  maxRuns: number;
  windowMs: number;
  backoffMs: number;
}

export class ActionLimiter {
  private readonly runs = new Map<string, number[]>();

  /** May `key` run now? If so the run is counted. */
  take(key: string, nowMs: number, settings: LimiterSettings): boolean {
    const recent = (this.runs.get(key) ?? []).filter((t) => nowMs - t < settings.windowMs);
    const last = recent.at(-1);
    const wait = recent.length === 0 ? 0 : settings.backoffMs * 2 ** (recent.length - 1);
    const allowed = recent.length < settings.maxRuns && (last === undefined || nowMs - last >= wait);
    if (allowed) recent.push(nowMs);
    this.runs.delete(key);
    if (recent.length > 0) this.runs.set(key, recent.slice(-settings.maxRuns));
    if (this.runs.size > MAX_LIMITED_KEYS) this.runs.delete(this.runs.keys().next().value!);
    return allowed;
  }

  get size(): number {
    return this.runs.size;
  }
}

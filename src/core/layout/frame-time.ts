/**
 * A frame's time (docs/design.md "Time"). Live: the file's mtime, because ffmpeg
 * writes each frame as it captures it. Replay: copied folders lose their
 * mtimes, so only the first frame's mtime is trusted and the others are
 * placed on the capture's own clock, (sequence - first) / fps after it.
 * Every event duration is measured on this clock, never the analysis'.
 */
export interface ReplayClock {
  firstSequence: number;
  firstMtimeMs: number;
  fps: number;
}

export function replayFrameTimeMs(clock: ReplayClock, sequence: number): number {
  return frameClockMs(clock.firstMtimeMs + ((sequence - clock.firstSequence) * 1000) / clock.fps);
}

/**
 * The frame clock counts whole milliseconds, as every time vpt prints does:
 * an mtime's fraction of a millisecond made an incident (end minus its
 * printed start) last 40001 ms while its event (end minus the unrounded
 * start, rounded) lasted 40000.
 */
export function frameClockMs(ms: number): number {
  return Math.round(ms);
}

/**
 * ISO 8601 in local time with its UTC offset (`2025-10-17T14:30:00.200+02:00`):
 * what an operator reads next to the host's logs, and what Python's
 * datetime.fromisoformat (the farm's other tools) parses.
 */
export function isoLocal(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

import { UsageError } from '../errors.js';
import { parseDuration } from '../units.js';
import { escapeOutside } from '../text/escape-outside.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** The largest distance from 1970 a JavaScript Date can hold (ECMA-262 time values): beyond it, nothing can be compared or printed. */
const MAX_TIME_VALUE_MS = 8.64e15;

/**
 * `--since` / `--until`: a span back from now (`2h`, `30m`, `7d`) or a
 * date-time (`2026-11-30T10:00`, local time unless it names a zone, or a
 * date alone: its local midnight). Returns epoch ms. A day the month does
 * not have (2026-02-30: Date.parse rolls it over to March 2) and a span
 * reaching past what a Date can hold are refused.
 */
export function parseTimeBound(text: string, flag: string, nowMs: number): number {
  const trimmed = text.trim();
  const date = DATE_TIME.exec(trimmed);
  if (date) {
    if (!isCalendarDay(Number(date[1]), Number(date[2]), Number(date[3]))) {
      throw new UsageError(`${flag}: "${escapeOutside(text)}" is not a day of the calendar (${date[1]}-${date[2]} has no day ${date[3]})`);
    }
    // A date alone would be read as UTC midnight by Date.parse; the operator means their own day.
    const ms = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00` : trimmed.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  } else if (/^\d/.test(trimmed)) {
    let span: number | undefined;
    try {
      span = parseDuration(trimmed, flag);
    } catch {
      // falls through to the one message naming both forms
    }
    if (span !== undefined) {
      if (Math.abs(nowMs - span) > MAX_TIME_VALUE_MS) throw new UsageError(`${flag}: "${escapeOutside(text)}" reaches back further than any date`);
      return nowMs - span;
    }
  }
  throw new UsageError(`${flag}: "${escapeOutside(text)}" is neither a time span back from now (2h, 30m, 7d) nor a date-time (2026-11-30T10:00)`);
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

import { UsageError } from '../errors.js';
import { parseDuration, printable } from '../units.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `--since` / `--until`: a span back from now (`2h`, `30m`, `7d`) or a
 * date-time (`2026-11-30T10:00`, local time unless it names a zone, or a
 * date alone: its local midnight). Returns epoch ms.
 */
export function parseTimeBound(text: string, flag: string, nowMs: number): number {
  const trimmed = text.trim();
  if (DATE_TIME.test(trimmed)) {
    // A date alone would be read as UTC midnight by Date.parse; the operator means their own day.
    const ms = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00` : trimmed.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  } else if (/^\d/.test(trimmed)) {
    try {
      return nowMs - parseDuration(trimmed, flag);
    } catch {
      // falls through to the one message naming both forms
    }
  }
  throw new UsageError(`${flag}: "${printable(text)}" is neither a time span back from now (2h, 30m, 7d) nor a date-time (2026-11-30T10:00)`);
}

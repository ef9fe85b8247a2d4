import { UsageError } from './errors.js';
import { escapeOutside } from './text/escape-outside.js';

/**
 * Sizes and time spans as operators type them: `500M`, `1G`, `10m`, `1week`.
 * Sizes are base 1024 (journald.conf(5)); time spans follow systemd.time(7).
 */

/** A newline or other control character could inject lines into a config file. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const SIZE_SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'] as const;

/** Parse `500M`, `1G`, `1.5G`, `4096` into bytes. `what` names the flag in the error. */
export function parseSize(text: string, what = 'size'): number {
  const match = CONTROL_CHARS.test(text) ? null : /^ *(\d+(?:\.\d+)?) *([KMGTPE]?)(?:i?B)? *$/i.exec(text);
  if (!match) {
    throw new UsageError(`${what}: "${escapeOutside(text)}" is not a size; use bytes or a number with K, M, G, T, P or E (e.g. 500M, 1G)`);
  }
  const power = SIZE_SUFFIXES.indexOf(match[2]!.toUpperCase() as (typeof SIZE_SUFFIXES)[number]);
  const bytes = Math.round(Number(match[1]) * 1024 ** power);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${what}: "${escapeOutside(text)}" is too large`);
  return bytes;
}

/** Canonical systemd form of a size: the largest unit that divides it exactly (`500M`, `1G`). */
export function formatSizeExact(bytes: number): string {
  let power = 0;
  while (power < SIZE_SUFFIXES.length - 1 && bytes !== 0 && bytes % 1024 ** (power + 1) === 0) power++;
  return `${bytes / 1024 ** power}${SIZE_SUFFIXES[power]}`;
}

/** Human size with one decimal, df/free style: `1.2G`, `70M`, `512K`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  let power = 0;
  let value = bytes;
  while (value >= 1024 && power < SIZE_SUFFIXES.length - 1) {
    value /= 1024;
    power++;
  }
  const text = value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
  return `${text}${SIZE_SUFFIXES[power]}`;
}

/** Megabytes with one decimal, as the monitor's memory lines print them: `85.2MB`. */
export function formatMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
}

const MS_PER: Record<string, number> = {};
function unit(ms: number, ...names: string[]): void {
  for (const name of names) MS_PER[name] = ms;
}
unit(0.001, 'usec', 'us', 'µs');
unit(1, 'msec', 'ms');
unit(1000, 'seconds', 'second', 'sec', 's', '');
unit(60_000, 'minutes', 'minute', 'min', 'm');
unit(3_600_000, 'hours', 'hour', 'hr', 'h');
unit(86_400_000, 'days', 'day', 'd');
unit(7 * 86_400_000, 'weeks', 'week', 'w');
unit(30.44 * 86_400_000, 'months', 'month', 'M');
unit(365.25 * 86_400_000, 'years', 'year', 'y');

/**
 * Parse a systemd time span into milliseconds: `30s`, `10m`, `1week`,
 * `1h 30min`, `2d12h`. A bare number is seconds, as in journald.conf.
 * Units are case-sensitive like systemd's (`m` minutes, `M` months).
 */
export function parseDuration(text: string, what = 'duration'): number {
  const bad = (): UsageError =>
    new UsageError(`${what}: "${escapeOutside(text)}" is not a time span; use e.g. 30s, 10m, 1h, 1day, 1week (systemd.time(7) units)`);
  const trimmed = text.trim();
  if (trimmed === '' || CONTROL_CHARS.test(text)) throw bad();
  const part = /(\d+(?:\.\d+)?)\s*([a-z\u00b5]*)\s*/giy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null && match[0] !== '') {
    const per = MS_PER[match[2]!];
    if (per === undefined) throw bad();
    total += Number(match[1]) * per;
    consumed = part.lastIndex;
  }
  if (consumed !== trimmed.length) throw bad();
  return total;
}

/** Short human duration: `850ms`, `42s`, `12.5m`, `1.0h`, `3.2d`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

/** A time span as systemd.time(7) and parseDuration read it, in its largest exact unit: 30s, 1h, 1500ms. */
export function formatTimeSpan(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A local time for a file name (`20261130T101500`): the name of a file set aside. */
export function compactTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A moment as stored and sent (SQLite rows, webhook payloads, JSON lines): UTC ISO 8601. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Parse a positive (or zero) integer flag such as `--fps 5`. */
export function parseInteger(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`${what}: "${escapeOutside(text)}" is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${what}: ${value} is out of range (${min}..${max})`);
  return value;
}

/** Parse a number flag such as `--black-threshold 85` or `0.5`. */
export function parseNumber(text: string, what: string, min = -Infinity, max = Infinity): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`${what}: "${escapeOutside(text)}" is not a number`);
  }
  if (value < min || value > max) throw new UsageError(`${what}: ${value} is out of range (${min}..${max})`);
  return value;
}

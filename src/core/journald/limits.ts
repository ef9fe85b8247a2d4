import { UsageError } from '../errors.js';
import { parseDuration, parseSize, printable } from '../units.js';

/**
 * The journald limits vpt recommends, how each is typed, compared and
 * validated. The recommended values come from the command's flags (defaults
 * in src/cli.ts, as in docs/design.md), so an operator can tighten or loosen one.
 */

export type LimitKind = 'size' | 'time' | 'count';

/**
 * `max`: the journal is bounded when the value is at or below the recommendation.
 * `min`: a floor (free space kept, rate-limit window): bounded at or above it.
 */
export type LimitDirection = 'max' | 'min';

/** Which storage a limit governs: System* only matter for /var/log/journal, Runtime* for /run/log/journal. */
export type LimitScope = 'disk' | 'ram' | 'both';

export interface LimitSpec {
  key: string;
  flag: string;
  /** commander's camelCase option name. */
  option: string;
  kind: LimitKind;
  direction: LimitDirection;
  scope: LimitScope;
  /** journald's own default (journald.conf(5)): a number in bytes/ms/count, or a description when it depends on the host. */
  systemdDefault: number | string;
  /** journald reads 0 as "no limit" for this key, so 0 never bounds anything. */
  zeroDisables: boolean;
}

const DAY_MS = 86_400_000;

/** In the order they are written to the drop-in (the design's order). */
export const LIMIT_SPECS: readonly LimitSpec[] = [
  { key: 'SystemMaxUse', flag: '--system-max-use', option: 'systemMaxUse', kind: 'size', direction: 'max', scope: 'disk', systemdDefault: '10% of the filesystem, up to 4G', zeroDisables: false },
  { key: 'SystemKeepFree', flag: '--system-keep-free', option: 'systemKeepFree', kind: 'size', direction: 'min', scope: 'disk', systemdDefault: '15% of the filesystem, up to 4G', zeroDisables: false },
  { key: 'SystemMaxFileSize', flag: '--system-max-file-size', option: 'systemMaxFileSize', kind: 'size', direction: 'max', scope: 'disk', systemdDefault: '1/8 of SystemMaxUse, up to 128M', zeroDisables: false },
  { key: 'SystemMaxFiles', flag: '--system-max-files', option: 'systemMaxFiles', kind: 'count', direction: 'max', scope: 'disk', systemdDefault: 100, zeroDisables: false },
  { key: 'RuntimeMaxUse', flag: '--runtime-max-use', option: 'runtimeMaxUse', kind: 'size', direction: 'max', scope: 'ram', systemdDefault: '10% of /run, up to 4G', zeroDisables: false },
  { key: 'MaxRetentionSec', flag: '--max-retention-sec', option: 'maxRetentionSec', kind: 'time', direction: 'max', scope: 'both', systemdDefault: 0, zeroDisables: true },
  { key: 'MaxFileSec', flag: '--max-file-sec', option: 'maxFileSec', kind: 'time', direction: 'max', scope: 'both', systemdDefault: 30.44 * DAY_MS, zeroDisables: true },
  { key: 'RateLimitIntervalSec', flag: '--rate-limit-interval-sec', option: 'rateLimitIntervalSec', kind: 'time', direction: 'min', scope: 'both', systemdDefault: 30_000, zeroDisables: true },
  { key: 'RateLimitBurst', flag: '--rate-limit-burst', option: 'rateLimitBurst', kind: 'count', direction: 'max', scope: 'both', systemdDefault: 10_000, zeroDisables: true },
];

/** journald keeps counts in 64-bit (files) or 32-bit (burst) fields; beyond this a value is a typo. */
const MAX_COUNT = 2 ** 32 - 1;

export interface LimitValue {
  spec: LimitSpec;
  /** systemd syntax, as written to the drop-in (`500M`, `1week`, `10`). */
  text: string;
  /** Bytes, milliseconds or a count. */
  amount: number;
}

/** Characters that would break a `Key=value` line or inject another one. */
const UNSAFE = /[\u0000-\u001f\u007f=]/;

/**
 * Validate one value as the operator typed it and return it in canonical
 * systemd form. `what` names the flag (or the config file) in the error.
 */
export function parseLimitValue(spec: LimitSpec, raw: string, what = spec.flag): LimitValue {
  if (UNSAFE.test(raw)) {
    throw new UsageError(`${what}: "${printable(raw)}" contains a newline, control character or "="; give a single value such as ${example(spec)}`);
  }
  const trimmed = raw.trim();
  let amount: number;
  let text: string;
  if (spec.kind === 'size') {
    if (trimmed.includes('%')) {
      throw new UsageError(`${what}: "${printable(raw)}" is a percentage; vpt writes absolute sizes (K, M, G, T, P, E, base 1024) so every host gets the same bound, e.g. ${example(spec)}`);
    }
    amount = parseSize(trimmed, what);
    text = canonicalSize(trimmed);
  } else if (spec.kind === 'time') {
    amount = parseDuration(trimmed, what);
    text = trimmed.replace(/\s+/g, ' ');
  } else {
    if (!/^\d+$/.test(trimmed)) throw new UsageError(`${what}: "${printable(raw)}" is not a whole number, e.g. ${example(spec)}`);
    amount = Number(trimmed);
    if (amount > MAX_COUNT) throw new UsageError(`${what}: ${trimmed} is too large (at most ${MAX_COUNT})`);
    text = String(amount);
  }
  if (amount <= 0) {
    throw new UsageError(`${what}: "${printable(raw)}" would not bound the journal; give a value above 0, e.g. ${example(spec)}`);
  }
  return { spec, text, amount };
}

/** `500m` -> `500M`, `1GiB` -> `1G`, `0500K` -> `500K`: journald's own spelling. */
function canonicalSize(text: string): string {
  const match = /^(\d+(?:\.\d+)?) *([KMGTPE]?)(?:i?B)?$/i.exec(text);
  // parseSize accepted the text already, so the pattern matches; keep the text otherwise.
  if (!match) return text;
  return `${Number(match[1])}${match[2]!.toUpperCase()}`;
}

function example(spec: LimitSpec): string {
  return spec.kind === 'size' ? '500M' : spec.kind === 'time' ? '1week' : '10';
}

/** Read every limit flag (raw strings from commander); the first bad one is refused before anything is written. */
export function limitValuesFromOptions(options: Record<string, unknown>): LimitValue[] {
  return LIMIT_SPECS.map((spec) => {
    const raw = options[spec.option];
    if (typeof raw !== 'string') throw new UsageError(`${spec.flag}: a value is required, e.g. ${example(spec)}`);
    return parseLimitValue(spec, raw);
  });
}

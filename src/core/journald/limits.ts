import { UsageError } from '../errors.js';
import { parseDuration, parseSize } from '../units.js';
import { escapeOutside } from '../text/escape-outside.js';

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
  {
    key: 'SystemMaxUse',
    flag: '--system-max-use',
    option: 'systemMaxUse',
    kind: 'size',
    direction: 'max',
    scope: 'disk',
    systemdDefault: '10% of the filesystem, up to 4G',
    zeroDisables: false,
  },
  {
    key: 'SystemKeepFree',
    flag: '--system-keep-free',
    option: 'systemKeepFree',
    kind: 'size',
    direction: 'min',
    scope: 'disk',
    systemdDefault: '15% of the filesystem, up to 4G',
    zeroDisables: false,
  },
  {
    key: 'SystemMaxFileSize',
    flag: '--system-max-file-size',
    option: 'systemMaxFileSize',
    kind: 'size',
    direction: 'max',
    scope: 'disk',
    systemdDefault: '1/8 of SystemMaxUse, up to 128M',
    zeroDisables: false,
  },
  {
    key: 'SystemMaxFiles',
    flag: '--system-max-files',
    option: 'systemMaxFiles',
    kind: 'count',
    direction: 'max',
    scope: 'disk',
    systemdDefault: 100,
    zeroDisables: false,
  },
  {
    key: 'RuntimeMaxUse',
    flag: '--runtime-max-use',
    option: 'runtimeMaxUse',
    kind: 'size',
    direction: 'max',
    scope: 'ram',
    systemdDefault: '10% of /run, up to 4G',
    zeroDisables: false,
  },
  {
    key: 'MaxRetentionSec',
    flag: '--max-retention-sec',
    option: 'maxRetentionSec',
    kind: 'time',
    direction: 'max',
    scope: 'both',
    systemdDefault: 0,
    zeroDisables: true,
  },
  {
    key: 'MaxFileSec',
    flag: '--max-file-sec',
    option: 'maxFileSec',
    kind: 'time',
    direction: 'max',
    scope: 'both',
    systemdDefault: 30.44 * DAY_MS,
    zeroDisables: true,
  },
  {
    key: 'RateLimitIntervalSec',
    flag: '--rate-limit-interval-sec',
    option: 'rateLimitIntervalSec',
    kind: 'time',
    direction: 'min',
    scope: 'both',
    systemdDefault: 30_000,
    zeroDisables: true,
  },
  {
    key: 'RateLimitBurst',
    flag: '--rate-limit-burst',
    option: 'rateLimitBurst',
    kind: 'count',
    direction: 'max',
    scope: 'both',
    systemdDefault: 10_000,
    zeroDisables: true,
  },
];

/**
 * What systemd accepts and means, per kind (journald.conf(5), systemd.time(7)):
 * - time spans are kept in microseconds (usec_t, 64-bit, UINT64_MAX meaning
 *   infinity): a longer span is refused by systemd (ERANGE) and the key keeps
 *   its default; a fraction of a microsecond is dropped, so `0.5us` is 0, which
 *   for RateLimitIntervalSec, MaxFileSec and MaxRetentionSec means "off". vpt
 *   asks for at least 1 ms: a shorter window bounds nothing.
 * - sizes are 64-bit byte counts; parseSize already refuses what a double
 *   cannot hold exactly (2^53), far below that.
 * - RateLimitBurst is an unsigned int (32-bit); SystemMaxFiles a 64-bit count,
 *   capped here at the same 2^32-1: more files than that is no bound.
 */
const MIN_TIME_SPAN_MS = 1;
/** Longest span systemd can hold: just under UINT64_MAX microseconds (which means infinity). */
export const MAX_TIME_SPAN_MS = (2 ** 64 - 2) / 1000;
const MAX_COUNT = 2 ** 32 - 1;
/** The largest count systemd itself accepts in a config file, per count key (unsigned int, uint64_t). */
export const SYSTEMD_COUNT_MAX: Readonly<Record<string, bigint>> = { RateLimitBurst: 2n ** 32n - 1n, SystemMaxFiles: 2n ** 64n - 1n };

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
    throw new UsageError(`${what}: "${escapeOutside(raw)}" contains a newline, control character or "="; give a single value such as ${example(spec)}`);
  }
  const trimmed = raw.trim();
  let amount: number;
  let text: string;
  if (spec.kind === 'size') {
    if (trimmed.includes('%')) {
      throw new UsageError(
        `${what}: "${escapeOutside(raw)}" is a percentage; vpt writes absolute sizes (K, M, G, T, P, E, base 1024) so every host gets the same bound, e.g. ${example(spec)}`,
      );
    }
    amount = parseSize(trimmed, what);
    text = canonicalSize(trimmed);
  } else if (spec.kind === 'time') {
    amount = parseDuration(trimmed, what);
    text = trimmed.replace(/\s+/g, ' ');
    if (amount > MAX_TIME_SPAN_MS) {
      throw new UsageError(
        `${what}: "${escapeOutside(raw)}" is beyond systemd's range (time spans are 64-bit microseconds, about 584,000 years); journald would ignore it`,
      );
    }
    if (amount > 0 && amount < MIN_TIME_SPAN_MS) {
      throw new UsageError(
        `${what}: "${escapeOutside(raw)}" is below 1ms: systemd drops fractions of a microsecond (0.5us is 0, which turns ${spec.key} off) and so short a window bounds nothing; give e.g. ${example(spec)}`,
      );
    }
  } else {
    if (!/^\d+$/.test(trimmed)) throw new UsageError(`${what}: "${escapeOutside(raw)}" is not a whole number, e.g. ${example(spec)}`);
    const big = BigInt(trimmed);
    if (big > BigInt(MAX_COUNT)) throw new UsageError(`${what}: ${trimmed.replace(/^0+(?=\d)/, '')} is out of range (1..${MAX_COUNT})`);
    amount = Number(big);
    text = String(amount);
  }
  if (amount <= 0) {
    throw new UsageError(`${what}: "${escapeOutside(raw)}" would not bound the journal; give a value above 0, e.g. ${example(spec)}`);
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
  // A rate-limit window is seconds long; the retention keys are days or weeks.
  if (spec.kind === 'time') return spec.direction === 'min' ? '30s' : '1week';
  return spec.kind === 'size' ? '500M' : '10';
}

/** Read every limit flag (raw strings from commander); the first bad one is refused before anything is written. */
export function limitValuesFromOptions(options: Record<string, unknown>): LimitValue[] {
  return LIMIT_SPECS.map((spec) => {
    const raw = options[spec.option];
    if (typeof raw !== 'string') throw new UsageError(`${spec.flag}: a value is required, e.g. ${example(spec)}`);
    return parseLimitValue(spec, raw);
  });
}

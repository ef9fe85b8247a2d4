import { formatDuration, formatSizeExact, parseDuration, parseSize } from '../units.js';
import type { Setting } from './effective-config.js';
import { MAX_TIME_SPAN_MS, SYSTEMD_COUNT_MAX, type LimitSpec, type LimitValue } from './limits.js';
import type { JournalLocation, StorageInfo } from './storage.js';

/**
 * Pure comparison of the effective settings with the recommended limits.
 * A size left unset is not compliant: journald's default is a share of the
 * filesystem, which on a small SD card or a /run tmpfs is no bound at all.
 * Other unset keys are judged by journald's documented default.
 */

export type LimitStatus = 'ok' | 'not compliant' | 'not counted';

export interface LimitCheck {
  key: string;
  flag: string;
  recommended: string;
  /** `<=` for caps, `>=` for floors (SystemKeepFree, RateLimitIntervalSec), `=` for Storage. */
  comparison: '<=' | '>=' | '=';
  /** The configured text; undefined when unset. */
  current?: string;
  /** The file it came from, or "default". */
  source: string;
  status: LimitStatus;
  /** Why, in a few words (empty when simply within the limit). */
  reason: string;
}

export interface ComplianceReport {
  limits: LimitCheck[];
  compliant: boolean;
}

export function checkCompliance(
  settings: ReadonlyMap<string, Setting>,
  recommended: readonly LimitValue[],
  storage: Pick<StorageInfo, 'location' | 'mode' | 'source'>,
  wantPersistent = false,
): ComplianceReport {
  const limits = recommended.map((rec) => checkLimit(rec, settings.get(rec.spec.key), storage.location));
  if (wantPersistent) {
    const ok = storage.mode === 'persistent';
    limits.push({
      key: 'Storage',
      flag: '--persistent',
      recommended: 'persistent',
      comparison: '=',
      current: settings.get('Storage')?.value,
      source: storage.source,
      status: ok ? 'ok' : 'not compliant',
      reason: ok ? '' : `journal storage is ${storage.mode}`,
    });
  }
  return { limits, compliant: limits.every((l) => l.status !== 'not compliant') };
}

function checkLimit(rec: LimitValue, setting: Setting | undefined, location: JournalLocation): LimitCheck {
  const { spec } = rec;
  const comparison = spec.direction === 'max' ? '<=' : '>=';
  const base = { key: spec.key, flag: spec.flag, recommended: rec.text, comparison, current: setting?.value, source: setting?.source ?? 'default' } as const;
  const counted = appliesTo(spec, location);
  const verdict = judge(rec, setting);
  if (!counted) {
    const where = location === 'none' ? 'Storage=none keeps no journal' : 'the journal lives in RAM';
    const detail = verdict.reason === '' ? '' : `; ${verdict.reason}`;
    return { ...base, status: 'not counted', reason: `${where}, so ${spec.key} has no effect${detail}` };
  }
  return { ...base, status: verdict.ok ? 'ok' : 'not compliant', reason: verdict.reason };
}

function appliesTo(spec: LimitSpec, location: JournalLocation): boolean {
  if (spec.scope === 'both') return true;
  if (location === 'none') return false;
  return spec.scope === 'disk' ? location === 'disk' : true;
}

function judge(rec: LimitValue, setting: Setting | undefined): { ok: boolean; reason: string } {
  const { spec } = rec;
  let amount: number;
  if (setting === undefined) {
    if (typeof spec.systemdDefault === 'string') return { ok: false, reason: `unset: journald's default is ${spec.systemdDefault}, no fixed bound` };
    amount = spec.systemdDefault;
  } else {
    const parsed = parseConfigAmount(spec, setting.value);
    if (parsed === 'out-of-range') {
      return { ok: false, reason: `"${setting.value}" is beyond systemd's range: journald ignores it and keeps its default (${describeDefault(spec)})` };
    }
    if (parsed === undefined) return { ok: false, reason: `"${setting.value}" is not a value vpt can compare` };
    amount = parsed;
  }
  const shown = setting === undefined ? `journald's default ${show(spec, amount)}` : show(spec, amount);
  const unset = setting === undefined ? 'unset: ' : '';
  if (amount === 0 && spec.zeroDisables) return { ok: false, reason: `${unset}${shown} turns this limit off` };
  const ok = spec.direction === 'max' ? amount <= rec.amount : amount >= rec.amount;
  if (ok) return { ok, reason: setting === undefined ? `${unset}${shown}` : '' };
  return { ok, reason: `${unset}${shown} is ${spec.direction === 'max' ? 'above' : 'below'} ${rec.text}` };
}

/**
 * A value from a config file, in bytes / ms / count, as journald reads it: a time
 * span loses its fraction of a microsecond (`0.5us` is 0). 'out-of-range': journald
 * refuses it (and keeps the default); undefined when vpt cannot read it.
 */
export function parseConfigAmount(spec: LimitSpec, text: string): number | 'out-of-range' | undefined {
  try {
    if (spec.kind === 'size') return parseSize(text);
    if (spec.kind === 'time') {
      const ms = parseDuration(text);
      return ms > MAX_TIME_SPAN_MS ? 'out-of-range' : Math.floor(ms * 1000) / 1000;
    }
    if (!/^\d+$/.test(text)) return undefined;
    return BigInt(text) > (SYSTEMD_COUNT_MAX[spec.key] ?? 2n ** 64n - 1n) ? 'out-of-range' : Number(text);
  } catch {
    // The value is reported as not comparable; the UsageError text is about flags, not files.
    return undefined;
  }
}

function describeDefault(spec: LimitSpec): string {
  return typeof spec.systemdDefault === 'string' ? spec.systemdDefault : spec.systemdDefault === 0 ? 'off' : show(spec, spec.systemdDefault);
}

function show(spec: LimitSpec, amount: number): string {
  if (spec.kind === 'size') return formatSizeExact(amount);
  if (spec.kind === 'time') return amount === 0 ? '0' : formatDuration(amount);
  return String(amount);
}

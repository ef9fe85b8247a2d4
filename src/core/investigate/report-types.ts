import type { ProbeResult } from '../probes/types.js';
import type { Trend } from './trends.js';

/** The full investigation report: what `--json` prints and the text file is rendered from. */

export type CheckStatus = 'ok' | 'warn' | 'critical' | 'unavailable';

export interface Check {
  label: string;
  status: CheckStatus;
  /** The measured value, or "unavailable: why". */
  detail: string;
}

export interface ReportSection {
  id: string;
  title: string;
  checks: Check[];
  /** Supporting rows (top processes, boots, log lines) with no status of their own. */
  lines: string[];
}

export interface Cause {
  cause: 'tmpfs exhaustion' | 'OOM' | 'throttling' | 'CPU overload' | 'high memory' | 'leak trend';
  /** Higher is more likely; causes are listed highest first. */
  score: number;
  severity: 'warn' | 'critical';
  evidence: string[];
  nextSteps: string[];
}

export interface Report {
  generatedAt: string;
  localTime: string;
  host: string;
  status: CheckStatus;
  sections: ReportSection[];
  trends: Trend[];
  /** Ranked, most likely first; empty when nothing points at a cause. */
  diagnosis: Cause[];
  probes: { name: string; ok: boolean; durationMs: number; error?: string }[];
  durationMs: number;
  savedTo?: string;
}

export const STATUS_RANK: Record<CheckStatus, number> = { ok: 0, unavailable: 1, warn: 2, critical: 3 };

export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((w, s) => (STATUS_RANK[s] > STATUS_RANK[w] ? s : w), 'ok');
}

/** A check for a probe that could not run: the section says so and the report goes on. */
export function unavailableCheck(label: string, result: ProbeResult<unknown>): Check {
  return { label, status: 'unavailable', detail: result.available ? '' : `unavailable: ${result.reason}` };
}

/** Status of a percentage against warn/critical thresholds (strictly over, as docs/design.md says). */
export function byThreshold(value: number, warn: number, critical: number): CheckStatus {
  return value > critical ? 'critical' : value > warn ? 'warn' : 'ok';
}

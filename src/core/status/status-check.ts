import { EXIT } from '../errors.js';
import { STATUS_INTERVAL_MS, type StatusSnapshot } from './status-snapshot.js';

/** A snapshot older than this means the monitor hung (it rewrites it every STATUS_INTERVAL_MS). */
const STALE_SNAPSHOT_MS = 30_000;
/**
 * A snapshot written further than this in the future means the clock was
 * stepped back since (a Pi without RTC corrected by NTP): its age says
 * nothing, so a hung monitor cannot be told from a running one (unknown).
 */
const CLOCK_SKEW_TOLERANCE_MS = 5_000;

export interface OpenIncidentBrief {
  id: number;
  device: string;
  type: string;
  event_start: string;
}

export type StatusLevel = 'ok' | 'warning' | 'critical' | 'unknown';

export interface StatusVerdict {
  /** Nagios: 0 ok, 1 warning, 2 critical, 3 unknown. */
  code: number;
  level: StatusLevel;
  /** One line each, worst first; empty when all is well. */
  problems: string[];
}

const LEVELS: StatusLevel[] = ['ok', 'warning', 'critical', 'unknown'];

/**
 * How `vpt status` judges the monitor, by the Nagios convention: 3 no
 * snapshot, or one written in the future (clock skew); 2 the monitor is gone (its pid), hung (snapshot older than
 * STALE_SNAPSHOT_MS) or a device is stalled; 1 an open incident or a device
 * whose analysis is behind; else 0.
 */
export function judgeStatus(
  snapshot: StatusSnapshot | undefined,
  openIncidents: readonly OpenIncidentBrief[],
  nowMs: number,
  pidAlive: (pid: number) => boolean,
): StatusVerdict {
  if (!snapshot) return { code: EXIT.unknown, level: 'unknown', problems: ['no status snapshot: the monitor has not run with this state dir'] };
  const critical: string[] = [];
  const unknown: string[] = [];
  const warning: string[] = [];
  const age = nowMs - Date.parse(snapshot.written_at);
  if (!pidAlive(snapshot.pid)) critical.push(`monitor not running: pid ${snapshot.pid} is gone (last snapshot ${Math.round(age / 1000)} s old)`);
  else if (age < -CLOCK_SKEW_TOLERANCE_MS)
    unknown.push(
      `clock skew: the snapshot was written ${Math.round(-age / 1000)} s in the future (${snapshot.written_at}); the clock was stepped back since, so whether the monitor hangs cannot be told`,
    );
  else if (age > STALE_SNAPSHOT_MS)
    critical.push(`monitor hung: its snapshot is ${Math.round(age / 1000)} s old (rewritten every ${STATUS_INTERVAL_MS / 1000} s)`);
  for (const d of snapshot.devices) {
    if (d.states.stalled)
      critical.push(
        `${d.device}: capture stalled (${d.last_frame_at === null ? 'no frame since the monitor started' : `last frame ${Math.round((d.last_frame_age_ms ?? 0) / 1000)} s old`})`,
      );
    if (d.behind) warning.push(`${d.device}: analysis behind (${d.queued} frames waiting)`);
  }
  for (const i of openIncidents) warning.push(`incident #${i.id} open: ${i.device} ${i.type} since ${i.event_start}`);
  const code = critical.length > 0 ? EXIT.critical : unknown.length > 0 ? EXIT.unknown : warning.length > 0 ? EXIT.warning : EXIT.ok;
  return { code, level: LEVELS[code]!, problems: [...critical, ...unknown, ...warning] };
}

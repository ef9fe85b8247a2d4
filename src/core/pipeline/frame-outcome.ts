import type { OpenSequence, TrackerRecord } from '../events/event-tracker.js';
import { INCIDENT_TYPES, type IncidentType } from '../events/types.js';

/**
 * What one frame did to the events of its device, as the incident step (and
 * the live monitor's log) takes it: which events started or ended with it,
 * and which are still going. Live and --replay hand the same outcome to the
 * same incident step.
 */
export interface EventTransition {
  kind: 'event_started' | 'event_ended';
  type: IncidentType;
  /** Frame-clock time of the event's first frame. */
  startMs: number;
  firstSequence: number;
  /** On event_ended: the last detecting frame and the duration on the frame clock. */
  endMs?: number;
  lastSequence?: number;
  durationMs?: number;
}

export interface FrameOutcome {
  sequence: number;
  /** The frame's time: its mtime live, the replay clock in --replay. */
  timeMs: number;
  /** Events still detected at this frame, with their start (for --incident-delay). */
  /** Confirmed events still open: their start, and the last frame that detected them (lastMs). */
  ongoing: { type: IncidentType; startMs: number; lastMs: number }[];
  transitions: EventTransition[];
  /** How long the analysis took (wall clock), for the per-frame log. */
  performanceMs?: number;
  /** The frame could not be decoded (truncated, not a JPEG): counted as bad in the status snapshot. */
  bad?: boolean;
  /** This frame's own picture verdicts (absent when it was not analysed itself: late, or undecodable), for the status snapshot. */
  picture?: { black: boolean; frozen: boolean };
  /** Judged by reusing an earlier analysis (sampled under backlog, or late): counted as sampled in the frame account. */
  reused?: boolean;
}

const isIncidentType = (t: string): t is IncidentType => (INCIDENT_TYPES as readonly string[]).includes(t);

/** The event tracker's records of one frame, as transitions (zaps and zap candidates are not events). */
export function transitionsOf(records: readonly TrackerRecord[]): EventTransition[] {
  const out: EventTransition[] = [];
  for (const r of records) {
    if (r.kind === 'event_started') {
      out.push({ kind: 'event_started', type: r.type, startMs: r.startMs, firstSequence: r.startSequence });
    } else if (r.kind === 'event_ended') {
      out.push({
        kind: 'event_ended',
        type: r.type,
        startMs: r.startMs,
        firstSequence: r.startSequence,
        endMs: r.endMs,
        lastSequence: r.lastSequence,
        durationMs: r.durationMs,
      });
    }
  }
  return out;
}

/** The confirmed events among the open sequences (blips under --min-event never reach the incidents). */
export function ongoingEvents(open: readonly OpenSequence[]): FrameOutcome['ongoing'] {
  const out: FrameOutcome['ongoing'] = [];
  for (const o of open) if (o.confirmed && isIncidentType(o.type)) out.push({ type: o.type, startMs: o.startMs, lastMs: o.lastMs });
  return out;
}

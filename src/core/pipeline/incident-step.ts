import type { AnyIncidentType, IncidentType } from '../events/types.js';
import type { EvidenceCopier } from './evidence.js';
import { IncidentStoreLockedError } from '../incidents/incident-store.js';
import { MAX_HELD_INCIDENTS, STORE_RETRY_MS, type IncidentRecord, type IncidentTracker, type IncidentTrackerOptions } from '../incidents/incident-tracker.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import { iso } from '../units.js';
import type { FrameOutcome } from './frame-outcome.js';

/**
 * The last step of a frame's path, per device, the same live and in
 * --replay: a frame's event transitions become `event_started` /
 * `event_ended`, evidence is kept (frame before, first, last: copied from
 * hot/ to cold storage where a hot/cold split exists), and the process's
 * IncidentTracker opens an incident once an event has lasted
 * --incident-delay on the frame clock and resolves it when the event ends.
 * Evidence of open events is held at most one entry per type, while open.
 */
export class DeviceIncidents {
  /** Evidence of the events (and, live, the stalls) open now: at most one entry per type, removed when it ends. */
  private readonly evidence = new Map<AnyIncidentType, string[]>();
  /** Types ongoing at the last applied frame, with their start (the evidence sweep keeps these; the status lists them). */
  private ongoingStarts = new Map<IncidentType, number>();

  constructor(
    private readonly device: string,
    /** The device folder: evidence goes from `<dir>/hot/...` to `<dir>/...`. */
    private readonly deviceDir: string,
    private readonly incidents: IncidentTracker,
    /** Copies evidence; a failed copy (cold storage full) is its warning, never a stop to the bookkeeping. */
    private readonly copier: EvidenceCopier,
    private readonly onEvent: (event: MonitorEvent) => void,
  ) {}

  get size(): number {
    return this.evidence.size;
  }

  /** Events ongoing at the last applied frame, with their start on the frame clock. */
  get ongoing(): ReadonlyMap<IncidentType, number> {
    return this.ongoingStarts;
  }

  /**
   * Apply one frame's outcome. `silenced` names ongoing types that must not
   * count now (live: audio loss while the audio segments have stalled, since
   * nothing can be heard then: segments_stalled says it).
   */
  async apply(outcome: FrameOutcome, silenced?: (type: IncidentType) => boolean): Promise<void> {
    const { device } = this;
    for (const t of outcome.transitions) {
      if (t.kind === 'event_started') {
        this.evidence.set(t.type, await this.keep([t.firstSequence - 1, t.firstSequence]));
        this.onEvent({ event: 'event_started', ts: iso(t.startMs), device, type: t.type, sequence: t.firstSequence });
      } else {
        const last = t.lastSequence ?? outcome.sequence;
        const endMs = t.endMs ?? outcome.timeMs;
        const lastEvidence = await this.keep([last]);
        this.evidence.delete(t.type);
        this.onEvent({
          event: 'event_ended',
          ts: iso(endMs),
          device,
          type: t.type,
          sequence: last,
          start: iso(t.startMs),
          duration_ms: t.durationMs ?? endMs - t.startMs,
        });
        this.incidents.eventEnded(device, t.type, endMs, lastEvidence);
      }
    }
    this.incidents.retryPending();
    const heard = silenced ? outcome.ongoing.filter((o) => !silenced(o.type)) : outcome.ongoing;
    this.ongoingStarts = new Map(heard.map((o) => [o.type, o.startMs]));
    for (const o of heard) {
      // The incident delay counts detecting frames only: an event that stops 29.6 s into a 30 s
      // delay is no incident, though it stays open through its clear time (--clear-time) after that.
      this.incidents.eventOngoing(device, o.type, o.startMs, o.lastMs, this.evidence.get(o.type) ?? []);
    }
  }

  /** Copy these frames out of hot storage (when there is one); the cold paths that now exist. */
  keep(sequences: readonly number[]): Promise<string[]> {
    return this.copier.preserve(this.deviceDir, sequences);
  }

  /** Hold evidence for something open that is not a frame event (a stall). */
  hold(type: AnyIncidentType, paths: string[]): void {
    this.evidence.set(type, paths);
  }

  release(type: AnyIncidentType): void {
    this.evidence.delete(type);
  }

  evidenceOf(type: AnyIncidentType): string[] {
    return this.evidence.get(type) ?? [];
  }

  /** Defence in depth (the sweeper): evidence of what is no longer ongoing (its end was never seen) is dropped; `open` keeps stalls. */
  sweepEvidence(open: (type: AnyIncidentType) => boolean = () => false): number {
    let freed = 0;
    for (const type of this.evidence.keys()) {
      if (!this.ongoingStarts.has(type as IncidentType) && !open(type)) {
        this.evidence.delete(type);
        freed++;
      }
    }
    return freed;
  }
}

/** An incident change as the monitor reports it (live and --replay alike). */
export function incidentEvent(record: IncidentRecord): MonitorEvent {
  const i = record.incident;
  if (record.kind === 'incident_opened') {
    return { event: 'incident_opened', ts: iso(i.openedAt), device: i.device, type: i.type, incident_id: i.id, evidence: i.evidence };
  }
  return {
    event: 'incident_resolved',
    ts: iso(i.resolvedAt!),
    device: i.device,
    type: i.type,
    incident_id: i.id,
    duration_ms: i.durationMs!,
    resolve_reason: i.resolveReason!,
    evidence: i.evidence,
  };
}

/** The incident database's failures and recovery as one line each per state change, live and in --replay alike. */
export function storeFailureLines(
  warn: (message: string) => void,
  info: (message: string) => void,
): Pick<IncidentTrackerOptions, 'onStoreFailing' | 'onHeldDropped' | 'onStoreBack'> {
  return {
    onStoreFailing: (err) =>
      warn(
        `${err instanceof IncidentStoreLockedError ? 'incident database locked: ' : ''}${err.message}; ` +
          `incident changes are held (up to ${MAX_HELD_INCIDENTS} ended incidents) and retried every ${STORE_RETRY_MS / 1000} s`,
      ),
    onHeldDropped: (i) =>
      warn(
        `more than ${MAX_HELD_INCIDENTS} ended incidents held: the oldest are dropped unwritten, starting with [${i.device}] ${i.type} of ${iso(i.openedAt)}`,
      ),
    onStoreBack: ({ written, dropped }) =>
      info(`incident database writable again: ${written} held incident changes written${dropped > 0 ? `, ${dropped} ended incidents dropped` : ''}`),
  };
}

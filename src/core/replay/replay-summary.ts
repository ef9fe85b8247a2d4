import type { FrameStamp, OpenSequence, TrackerRecord } from '../events/event-tracker.js';
import type { AnyIncidentType, IncidentType } from '../events/types.js';
import type { IncidentRecord } from '../incidents/incident-tracker.js';
import { isoLocal } from '../layout/frame-time.js';

/**
 * What a replay found on one device. Lists are capped: a replay over days
 * of captures with a flapping device must not hold millions of entries.
 */
export const MAX_SUMMARY_ITEMS = 10_000;

export interface EventSummary {
  type: IncidentType;
  start: string;
  /** First clear frame; null when the event was still going at the last frame. */
  end: string | null;
  startSequence: number;
  endSequence: number | null;
  durationMs: number;
  ongoing: boolean;
}

export interface SpanSummary {
  start: string;
  end: string | null;
  startSequence: number;
  endSequence: number | null;
  durationMs: number;
}

export interface ZapCandidateSummary extends SpanSummary {
  type: 'blackscreen' | 'freeze';
}

/** An incident the replay opened, as the live monitor would have (--incident-delay on the frame clock). */
export interface IncidentSummary {
  id: number;
  type: AnyIncidentType;
  /** When its event began (frame clock): the start of the duration. */
  eventStart: string;
  /** When the incident opened: the event had lasted --incident-delay. */
  openedAt: string;
  /** null: the event was still going at the last frame; the incident stays open in the store. */
  resolvedAt: string | null;
  /** The event's duration, resolvedAt - eventStart, the same as its event's. */
  durationMs: number | null;
  evidence: number;
}

export interface DeviceSummary {
  device: string;
  fps: number;
  /** The device folder does not exist. */
  missing: boolean;
  frames: number;
  analysed: number;
  errors: number;
  /** Frames analysed from the capture because their thumbnail was missing (not bad frames). */
  withoutThumbnail: number;
  /** Per-frame JSON and chunk writes the filesystem refused (the analysis went on without them). */
  writesLost: number;
  firstSequence: number | null;
  lastSequence: number | null;
  firstTime: string | null;
  lastTime: string | null;
  events: EventSummary[];
  zaps: SpanSummary[];
  zapCandidates: ZapCandidateSummary[];
  incidents: IncidentSummary[];
  incidentsOpened: number;
  incidentsResolved: number;
  /** Items left out of the lists above once they held MAX_SUMMARY_ITEMS. */
  dropped: number;
  elapsedMs: number;
  framesPerSecond: number;
}

export class DeviceSummaryBuilder {
  private readonly started = performance.now();
  private frames = 0;
  private analysed = 0;
  private errors = 0;
  private first: FrameStamp | undefined;
  private last: FrameStamp | undefined;
  private readonly events: EventSummary[] = [];
  private readonly zaps: SpanSummary[] = [];
  private readonly zapCandidates: ZapCandidateSummary[] = [];
  private readonly incidents: IncidentSummary[] = [];
  /** Listed incidents still open, by id: at most one per type. */
  private readonly openIncidents = new Map<number, IncidentSummary>();
  private opened = 0;
  private resolved = 0;
  private dropped = 0;

  constructor(
    private readonly device: string,
    private readonly fps: number,
  ) {}

  frame(analysed: boolean, stamp: FrameStamp): void {
    this.frames++;
    if (analysed) this.analysed++;
    this.first ??= stamp;
    this.last = stamp;
  }

  frameError(): void {
    this.errors++;
  }

  add(record: TrackerRecord): void {
    switch (record.kind) {
      case 'event_ended':
        this.push(this.events, {
          type: record.type,
          start: isoLocal(record.startMs),
          end: isoLocal(record.endMs),
          startSequence: record.startSequence,
          endSequence: record.endSequence,
          durationMs: Math.round(record.durationMs),
          ongoing: false,
        });
        break;
      case 'zap':
        this.push(this.zaps, span(record.startMs, record.endMs, record.startSequence, record.endSequence, record.durationMs));
        break;
      case 'zap_candidate':
        this.push(this.zapCandidates, {
          type: record.type,
          ...span(record.startMs, record.endMs, record.startSequence, record.endSequence, record.durationMs),
        });
        break;
      case 'event_started':
        break;
    }
  }

  incident(record: IncidentRecord): void {
    const i = record.incident;
    if (record.kind === 'incident_opened') {
      this.opened++;
      const entry: IncidentSummary = {
        id: i.id,
        type: i.type,
        eventStart: isoLocal(i.eventStartAt),
        openedAt: isoLocal(i.openedAt),
        resolvedAt: null,
        durationMs: null,
        evidence: i.evidence.length,
      };
      if (this.push(this.incidents, entry)) this.openIncidents.set(i.id, entry);
      return;
    }
    this.resolved++;
    const entry = this.openIncidents.get(i.id);
    if (!entry) return;
    this.openIncidents.delete(i.id);
    entry.resolvedAt = isoLocal(i.resolvedAt!);
    entry.durationMs = i.durationMs ?? null;
    entry.evidence = i.evidence.length;
  }

  missing(): DeviceSummary {
    return { ...this.finish([], 0, 0), missing: true };
  }

  /** `open`: sequences still running at the last analysed frame; confirmed events are listed as ongoing. */
  finish(open: readonly OpenSequence[], withoutThumbnail: number, writesLost: number): DeviceSummary {
    const last = this.last;
    for (const seq of open) {
      if (seq.type === 'zap') {
        this.push(this.zaps, span(seq.startMs, undefined, seq.startSequence, undefined, seq.durationMs));
      } else if (seq.confirmed) {
        this.push(this.events, {
          type: seq.type,
          start: isoLocal(seq.startMs),
          end: null,
          startSequence: seq.startSequence,
          endSequence: null,
          durationMs: Math.round(seq.durationMs),
          ongoing: true,
        });
      }
    }
    const elapsedMs = performance.now() - this.started;
    return {
      device: this.device,
      fps: this.fps,
      missing: false,
      frames: this.frames,
      analysed: this.analysed,
      errors: this.errors,
      withoutThumbnail,
      writesLost,
      firstSequence: this.first?.sequence ?? null,
      lastSequence: last?.sequence ?? null,
      firstTime: this.first ? isoLocal(this.first.timeMs) : null,
      lastTime: last ? isoLocal(last.timeMs) : null,
      events: this.events,
      zaps: this.zaps,
      zapCandidates: this.zapCandidates,
      incidents: this.incidents,
      incidentsOpened: this.opened,
      incidentsResolved: this.resolved,
      dropped: this.dropped,
      elapsedMs: Math.round(elapsedMs),
      framesPerSecond: elapsedMs > 0 ? Math.round((this.frames * 1000 * 10) / elapsedMs) / 10 : 0,
    };
  }

  /** Returns whether the item was listed. */
  private push<T>(list: T[], item: T): boolean {
    if (list.length >= MAX_SUMMARY_ITEMS) {
      this.dropped++;
      return false;
    }
    list.push(item);
    return true;
  }
}

function span(startMs: number, endMs: number | undefined, startSequence: number, endSequence: number | undefined, durationMs: number): SpanSummary {
  return {
    start: isoLocal(startMs),
    end: endMs === undefined ? null : isoLocal(endMs),
    startSequence,
    endSequence: endSequence ?? null,
    durationMs: Math.round(durationMs),
  };
}

import type { FrameStamp, OpenSequence, TrackerRecord } from './events/event-tracker.js';
import type { IncidentType } from './events/types.js';
import { isoLocal } from './layout/frame-time.js';

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

export interface DeviceSummary {
  device: string;
  fps: number;
  /** The device folder does not exist. */
  missing: boolean;
  frames: number;
  analyzed: number;
  errors: number;
  firstSequence: number | null;
  lastSequence: number | null;
  firstTime: string | null;
  lastTime: string | null;
  events: EventSummary[];
  zaps: SpanSummary[];
  zapCandidates: ZapCandidateSummary[];
  /** Items left out of the lists above once they held MAX_SUMMARY_ITEMS. */
  dropped: number;
  elapsedMs: number;
  framesPerSecond: number;
}

export class DeviceSummaryBuilder {
  private readonly started = performance.now();
  private frames = 0;
  private analyzed = 0;
  private errors = 0;
  private first: FrameStamp | undefined;
  private last: FrameStamp | undefined;
  private readonly events: EventSummary[] = [];
  private readonly zaps: SpanSummary[] = [];
  private readonly zapCandidates: ZapCandidateSummary[] = [];
  private dropped = 0;

  constructor(
    private readonly device: string,
    private readonly fps: number,
  ) {}

  frame(analyzed: boolean, stamp: FrameStamp): void {
    this.frames++;
    if (analyzed) this.analyzed++;
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

  missing(): DeviceSummary {
    return { ...this.finish([]), missing: true };
  }

  /** `open`: sequences still running at the last analysed frame; confirmed events are listed as ongoing. */
  finish(open: readonly OpenSequence[]): DeviceSummary {
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
      analyzed: this.analyzed,
      errors: this.errors,
      firstSequence: this.first?.sequence ?? null,
      lastSequence: last?.sequence ?? null,
      firstTime: this.first ? isoLocal(this.first.timeMs) : null,
      lastTime: last ? isoLocal(last.timeMs) : null,
      events: this.events,
      zaps: this.zaps,
      zapCandidates: this.zapCandidates,
      dropped: this.dropped,
      elapsedMs: Math.round(elapsedMs),
      framesPerSecond: elapsedMs > 0 ? Math.round((this.frames * 1000 * 10) / elapsedMs) / 10 : 0,
    };
  }

  private push<T>(list: T[], item: T): void {
    if (list.length >= MAX_SUMMARY_ITEMS) this.dropped++;
    else list.push(item);
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

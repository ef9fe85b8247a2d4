import { FREEZE_RING_SIZE } from '../detectors/freeze-ring.js';
import { INCIDENT_TYPES, type IncidentType } from './types.js';

/**
 * Events per device and type, driven only by per-frame verdicts and frame
 * times (docs/design.md "Events and incidents", "Time"): the clock is the
 * capture's, never the wall clock, so a replay gives the events a live run
 * would have given.
 *
 * A run of detecting frames is a "sequence". It starts on its first
 * detecting frame and ends once the picture has stayed clear for
 * --clear-time (frame time): one clean frame inside a freeze or a black
 * stretch does not split it. Its end is the first clear frame of that clear
 * run, which also gives its duration, so durations stay true; the records
 * come out on the frame that completes the clear time. A zap run (one
 * channel change, never an incident) still ends on its first clear frame. A sequence becomes an event once it has lasted --min-event:
 * `event_started` is emitted then (carrying the time of the first frame),
 * not on the first frame, so the many sub-5 s blips of a working farm never
 * reach the logs or the incident store. `event_ended` follows for confirmed
 * events only. Blackscreen and freeze sequences that end before
 * ZAP_CANDIDATE_MAX_MS are reported as `zap_candidate` whatever their length
 * (the zap/audio check needs the short ones). A zap run gives one `zap`.
 *
 * State is one open sequence per type: bounded by the number of types.
 */

/** Default --min-event. */
export const MIN_EVENT_MS = 5_000;
/** Default --clear-time: how long a picture must stay clear before its event ends. */
export const CLEAR_TIME_MS = 1_000;
/** Blackscreen/freeze sequences shorter than this that end are zap candidates. */
export const ZAP_CANDIDATE_MAX_MS = 10_000;

/** Whether an ended sequence gets a zap check (docs/design.md): the one place this rule lives. */
export function isZapCandidate(type: string, durationMs: number): type is 'blackscreen' | 'freeze' {
  return (type === 'blackscreen' || type === 'freeze') && durationMs < ZAP_CANDIDATE_MAX_MS;
}

export type SequenceType = IncidentType | 'zap';
export const SEQUENCE_TYPES: readonly SequenceType[] = [...INCIDENT_TYPES, 'zap'];

export interface FrameStamp {
  sequence: number;
  timeMs: number;
  /**
   * The frame's time on a clock without wall-clock steps (live: live/frame-clock.ts), for durations;
   * undefined: timeMs is that clock (a replay's frame clock). Start and end times stay timeMs.
   */
  steplessMs?: number;
}

/** Durations are differences of this, never of timeMs (which steps with the wall clock live). */
const stepless = (stamp: FrameStamp): number => stamp.steplessMs ?? stamp.timeMs;

interface Span {
  device: string;
  startSequence: number;
  startMs: number;
}

interface EndedSpan extends Span {
  /** Last detecting frame. */
  lastSequence: number;
  /** First clear frame: the end of the sequence. */
  endSequence: number;
  endMs: number;
  durationMs: number;
}

export interface EventStarted extends Span {
  kind: 'event_started';
  type: IncidentType;
  /** The frame on which the event reached --min-event. */
  confirmedSequence: number;
}
export interface EventEnded extends EndedSpan {
  kind: 'event_ended';
  type: IncidentType;
}
export interface ZapCandidate extends EndedSpan {
  kind: 'zap_candidate';
  type: 'blackscreen' | 'freeze';
}
export interface ZapSequence extends EndedSpan {
  kind: 'zap';
}
export type TrackerRecord = EventStarted | EventEnded | ZapCandidate | ZapSequence;

export interface OpenSequence extends Span {
  type: SequenceType;
  /** From the start to this frame, clear frames of a clear run in progress included. */
  durationMs: number;
  /** Frame time of the last frame that still detected it (a clear run in progress does not count). */
  lastMs: number;
  /** Lasted --min-event already (an event, not a blip). */
  confirmed: boolean;
}

interface OpenState {
  startSequence: number;
  startMs: number;
  startStepless: number;
  lastSequence: number;
  lastMs: number;
  confirmed: boolean;
  /** The first clear frame of the clear run in progress (undefined while detecting). */
  clearFrom: FrameStamp | undefined;
}

/**
 * Per-frame verdicts; `undefined` means unknown for this frame (leaves the
 * state as it is). `freezeFramesBack`: a freeze found on this frame was
 * already there this many analysed frames earlier (its comparisons were all
 * the same), so a new freeze sequence starts on that frame, as ffmpeg's
 * freezedetect dates a freeze to its first frozen frame.
 */
export type Detections = Partial<Record<SequenceType, boolean | undefined>> & { freezeFramesBack?: number };

/** Stamps of the latest analysed frames kept to date a freeze back: the freeze ring's length, the farthest a verdict looks. */
export const BACKDATE_FRAMES = FREEZE_RING_SIZE;

/**
 * Types that end on their first clear update instead of after --clear-time (the picture's
 * flicker guard). A zap is one channel change, not an incident. audio_loss has its hysteresis in
 * the silence rule (silence-runs.ts: sound is back after 150 ms of it) and its updates come at the
 * sound's own change times: with the clear time on top, a silence, 0.9 s of sound and another
 * silence were one event ending 8 s after the first silence did (ffmpeg's silencedetect: two).
 */
function endsWhenClear(type: SequenceType): boolean {
  return type === 'zap' || type === 'audio_loss';
}

export class EventTracker {
  private readonly open = new Map<SequenceType, OpenState>();
  /** The last BACKDATE_FRAMES stamps before the current frame, oldest first. */
  private readonly recent: FrameStamp[] = [];
  /** A type's own minimum (audio_loss: --min-silence); the others use --min-event. At most one entry per type. */
  private readonly minByType = new Map<SequenceType, number>();

  constructor(
    readonly device: string,
    private minEventMs: number = MIN_EVENT_MS,
    private clearTimeMs: number = CLEAR_TIME_MS,
  ) {}

  /** New timing (a settings reload); open sequences keep their start and go on under it. */
  retime(minEventMs: number, clearTimeMs: number): void {
    this.minEventMs = minEventMs;
    this.clearTimeMs = clearTimeMs;
  }

  /** A type whose events have a minimum of their own (audio_loss: --min-silence). */
  setMinEvent(type: SequenceType, minMs: number): void {
    this.minByType.set(type, minMs);
  }

  /** Feed one analysed frame; returns the records it produced, in order. */
  update(stamp: FrameStamp, detections: Detections): TrackerRecord[] {
    const out: TrackerRecord[] = [];
    for (const type of SEQUENCE_TYPES) {
      const detected = detections[type];
      if (detected === undefined) continue;
      const state = this.open.get(type);
      if (detected) {
        if (!state) {
          const start = type === 'freeze' ? this.back(stamp, detections.freezeFramesBack ?? 0) : stamp;
          const fresh = {
            startSequence: start.sequence,
            startMs: start.timeMs,
            startStepless: stepless(start),
            lastSequence: stamp.sequence,
            lastMs: stamp.timeMs,
            confirmed: false,
            clearFrom: undefined,
          };
          this.open.set(type, fresh);
          this.confirmIfLong(type, fresh, stamp, out);
        } else {
          // Back before the clear time ran out: the same sequence goes on.
          state.clearFrom = undefined;
          state.lastSequence = stamp.sequence;
          state.lastMs = stamp.timeMs;
          this.confirmIfLong(type, state, stamp, out);
        }
      } else if (state) {
        state.clearFrom ??= stamp;
        if (endsWhenClear(type) || stepless(stamp) - stepless(state.clearFrom) >= this.clearTimeMs) {
          this.open.delete(type);
          this.end(type, state, state.clearFrom, out);
        }
      }
    }
    this.recent.push(stamp);
    if (this.recent.length > BACKDATE_FRAMES) this.recent.shift();
    return out;
  }

  /** The stamp `frames` analysed frames before `stamp` (as far back as is known). */
  private back(stamp: FrameStamp, frames: number): FrameStamp {
    const k = Math.min(Math.max(0, Math.floor(frames)), this.recent.length);
    return k === 0 ? stamp : this.recent[this.recent.length - k]!;
  }

  /**
   * The capture stopped after `last` (a stall; ffmpeg may be restarted): every open sequence ends
   * there, or at the first frame of its clear run if one was in progress. Confirmed events get their
   * `event_ended`; blips and zap runs are dropped (no audio can confirm a zap across a stall). The
   * frames after the stall start afresh, so a freeze in progress never spans the stall.
   */
  interrupt(last: FrameStamp): TrackerRecord[] {
    const out: TrackerRecord[] = [];
    for (const [type, state] of this.open) {
      if (type === 'zap' || !state.confirmed) continue;
      const end = state.clearFrom ?? last;
      const durationMs = stepless(end) - state.startStepless;
      out.push({
        kind: 'event_ended',
        type,
        device: this.device,
        startSequence: state.startSequence,
        startMs: state.startMs,
        lastSequence: state.lastSequence,
        endSequence: end.sequence,
        endMs: state.startMs + durationMs,
        durationMs,
      });
    }
    this.open.clear();
    // Nothing after the stall is dated back across it.
    this.recent.length = 0;
    return out;
  }

  /** The open sequence of a type at this frame (for `<type>_event_start` / `_duration_ms`). */
  ongoing(type: SequenceType, now: FrameStamp): OpenSequence | undefined {
    const state = this.open.get(type);
    if (!state) return undefined;
    return {
      device: this.device,
      type,
      startSequence: state.startSequence,
      startMs: state.startMs,
      durationMs: stepless(now) - state.startStepless,
      lastMs: state.lastMs,
      confirmed: state.confirmed,
    };
  }

  /** Every open sequence (end of a replay: events still running). */
  openSequences(now: FrameStamp): OpenSequence[] {
    return SEQUENCE_TYPES.map((t) => this.ongoing(t, now)).filter((s): s is OpenSequence => s !== undefined);
  }

  /** Open sequences held: at most one per type. */
  get size(): number {
    return this.open.size;
  }

  private confirmIfLong(type: SequenceType, state: OpenState, stamp: FrameStamp, out: TrackerRecord[]): void {
    if (type === 'zap' || state.confirmed || stepless(stamp) - state.startStepless < (this.minByType.get(type) ?? this.minEventMs)) return;
    state.confirmed = true;
    out.push({
      kind: 'event_started',
      device: this.device,
      type,
      startSequence: state.startSequence,
      startMs: state.startMs,
      confirmedSequence: stamp.sequence,
    });
  }

  private end(type: SequenceType, state: OpenState, stamp: FrameStamp, out: TrackerRecord[]): void {
    const durationMs = stepless(stamp) - state.startStepless;
    const span: EndedSpan = {
      device: this.device,
      startSequence: state.startSequence,
      startMs: state.startMs,
      lastSequence: state.lastSequence,
      endSequence: stamp.sequence,
      // Its start plus its duration: across a wall-clock step the end's own mtime would put it before
      // its start (stepped back) or minutes after it (stepped forward).
      endMs: state.startMs + durationMs,
      durationMs,
    };
    if (type === 'zap') {
      out.push({ kind: 'zap', ...span });
      return;
    }
    if (!state.confirmed && span.durationMs >= (this.minByType.get(type) ?? this.minEventMs)) {
      // Long enough only counting up to the clear frame: it is an event after all.
      out.push({
        kind: 'event_started',
        device: this.device,
        type,
        startSequence: span.startSequence,
        startMs: span.startMs,
        confirmedSequence: stamp.sequence,
      });
      state.confirmed = true;
    }
    if (state.confirmed) out.push({ kind: 'event_ended', type, ...span });
    if (isZapCandidate(type, span.durationMs)) out.push({ kind: 'zap_candidate', type, ...span });
  }
}

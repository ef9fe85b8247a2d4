import { FpsWindow } from './fps-window.js';
import type { AudioState, DeviceStatus, OpenEventStatus } from './status-snapshot.js';

/** What the live monitor knows about a device beyond these counters, when a snapshot is taken. */
export interface DeviceStatusExtras {
  dropped: number;
  queued: number;
  behind: boolean;
  /** Whether audio is analysed at all (false: --no-audio or no ffmpeg). */
  audioChecked: boolean;
  openEvents: OpenEventStatus[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One device's running figures for the status snapshot: fixed size (a few
 * numbers and the FpsWindow), whatever the uptime.
 */
export class DeviceCounters {
  readonly device: string;
  private readonly fps: FpsWindow;
  private lastSequence: number | null = null;
  private lastFrameAt: number | null = null;
  private analysedSequence: number | null = null;
  private analysed = 0;
  private bad = 0;

  constructor(device: string, startedMs: number) {
    this.device = device;
    this.fps = new FpsWindow(startedMs);
  }

  /** A new capture frame arrived (wall clock). */
  frameReceived(sequence: number, atMs: number): void {
    this.fps.add(atMs);
    if (this.lastSequence === null || sequence > this.lastSequence) this.lastSequence = sequence;
    this.lastFrameAt = atMs;
  }

  frameAnalysed(bad: boolean): void {
    this.analysed++;
    if (bad) this.bad++;
  }

  /** The device's states now come from this frame's analysis. */
  statesFrom(sequence: number): void {
    this.analysedSequence = sequence;
  }

  /** A frame that failed outside the analysis (the analyzer threw). */
  frameFailed(): void {
    this.bad++;
  }

  get framesAnalysed(): number {
    return this.analysed;
  }

  get framesBad(): number {
    return this.bad;
  }

  rate(nowMs: number): number {
    return this.fps.rate(nowMs);
  }

  toStatus(nowMs: number, extras: DeviceStatusExtras): DeviceStatus {
    const open = new Set(extras.openEvents.map((e) => e.type));
    const stalled = open.has('capture_stalled');
    let audio: AudioState = extras.audioChecked ? 'ok' : 'unknown';
    if (open.has('segments_stalled')) audio = 'stalled';
    else if (open.has('audio_loss')) audio = 'lost';
    return {
      device: this.device,
      last_sequence: this.lastSequence,
      analysed_sequence: this.analysedSequence,
      last_frame_at: this.lastFrameAt === null ? null : iso(this.lastFrameAt),
      last_frame_age_ms: this.lastFrameAt === null ? null : Math.max(0, Math.round(nowMs - this.lastFrameAt)),
      fps: this.fps.rate(nowMs),
      frames_analysed: this.analysed,
      frames_dropped: extras.dropped,
      frames_bad: this.bad,
      queued: extras.queued,
      behind: extras.behind,
      states: { black: open.has('blackscreen'), frozen: open.has('freeze'), audio, stalled },
      open_events: extras.openEvents,
    };
  }
}

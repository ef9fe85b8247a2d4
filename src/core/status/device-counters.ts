import { FpsWindow } from './fps-window.js';
import type { WatcherFigures } from '../live/frame-account.js';
import type { AudioState, DeviceStatus, OpenEventStatus } from './status-snapshot.js';

/** What the live monitor knows about a device beyond these counters, when a snapshot is taken. */
export interface DeviceStatusExtras {
  dropped: number;
  /** The watcher's half of the frame account: frames seen on disk, and those passed over for newer ones. */
  watcher: WatcherFigures;
  queued: number;
  behind: boolean;
  /** Whether audio is analysed at all (false: --no-audio or no ffmpeg). */
  audioChecked: boolean;
  openEvents: OpenEventStatus[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The picture verdicts of one analysed frame. */
export interface PictureVerdict {
  sequence: number;
  black: boolean;
  frozen: boolean;
}

/**
 * One device's running figures for the status snapshot: fixed size (a few
 * numbers and the FpsWindow), whatever the uptime.
 */
export class DeviceCounters {
  readonly device: string;
  private readonly fps: FpsWindow;
  private lastSequence: number | null = null;
  private lastFrameAt: number | null = null;
  private analysed = 0;
  private bad = 0;
  private sampled = 0;
  private failed = 0;
  private picture: PictureVerdict | undefined;

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

  /**
   * `picture`: the frame's own verdicts (absent for a frame that reused an earlier analysis or could not be decoded);
   * `reused`: judged by an earlier frame's analysis (sampled under backlog, or late).
   */
  frameAnalysed(bad: boolean, picture?: PictureVerdict, reused = false): void {
    this.analysed++;
    if (reused) this.sampled++;
    if (bad) this.bad++;
    if (picture && (this.picture === undefined || picture.sequence > this.picture.sequence)) this.picture = { ...picture };
  }

  /** A frame that failed outside the analysis (the analyzer threw). */
  frameFailed(): void {
    this.bad++;
    this.failed++;
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
      last_frame_at: this.lastFrameAt === null ? null : iso(this.lastFrameAt),
      last_frame_age_ms: this.lastFrameAt === null ? null : Math.max(0, Math.round(nowMs - this.lastFrameAt)),
      fps: this.fps.rate(nowMs),
      frames_analysed: this.analysed,
      frames_dropped: extras.dropped,
      frames_bad: this.bad,
      frames_seen: extras.watcher.seen,
      frames_sampled: this.sampled,
      frames_failed: this.failed,
      frames_superseded: extras.watcher.superseded,
      // The rest of what was seen: waiting for the watcher or in the queue (at exit: never handled).
      frames_pending: Math.max(0, extras.watcher.seen - this.analysed - this.failed - extras.dropped - extras.watcher.superseded),
      queued: extras.queued,
      behind: extras.behind,
      analysed_sequence: this.picture?.sequence ?? null,
      // The newest analysed frame's verdicts, not the open events: an event outlives its last frame by the clear time,
      // and the badge must describe the picture shown beside it.
      states: { black: this.picture?.black ?? false, frozen: this.picture?.frozen ?? false, audio, stalled },
      open_events: extras.openEvents,
    };
  }
}

import type { MissingProgramError } from '../errors.js';
import type { FrameStamp } from '../events/event-tracker.js';
import { silentLogger, type Logger } from '../logger.js';
import { LEVEL_WINDOW_MS, LevelHistory } from './level-history.js';
import type { LevelWindow } from './level-parser.js';
import { REPLAY_EARLY_SEGMENTS, SegmentFeeder, type AudioStreamState } from './segment-feeder.js';
import { segmentFileName, segmentIndexForFrame, VNC_SEGMENT_SECONDS } from './segment-files.js';
import { SILENCE_DB, SilenceRuns, type SoundChange } from './silence-runs.js';

/** Changes of the sound and of the picture's suppression waiting to be handed to the event tracker (a frame hands them over). */
export const MAX_PENDING_CHANGES = 256;
/** Replay: the longest a frame or a zap check waits for its audio (wall clock) before going on without it. */
export const REPLAY_AUDIO_WAIT_MS = 30_000;
/** Replay: windows heard before the first frame: REPLAY_EARLY_SEGMENTS of the longest (VNC) segments, and a few to spare. */
const EARLY_WINDOWS_MAX = (REPLAY_EARLY_SEGMENTS * VNC_SEGMENT_SECONDS * 1000) / LEVEL_WINDOW_MS + 16;

export interface AudioTimelineOptions {
  device: string;
  /** The device's live `segments/` folder. */
  segmentsDir: string;
  fps: number;
  segmentSeconds: number;
  /** live: heard a segment or two behind the frames; replay: ahead of them, the folder being complete (segment-feeder.ts). */
  mode: 'live' | 'replay';
  silenceDb?: number;
  logger?: Logger;
  ffmpeg?: string;
  onUnavailable?: (err: MissingProgramError) => void;
}

/** A verdict for the event tracker's audio_loss, dated on the audio's own time. */
export interface LossUpdate {
  stamp: FrameStamp;
  loss: boolean;
}

interface Change {
  timeMs: number;
  kind: 'sound' | 'picture';
  /** sound: silent; picture: black or frozen (suppresses audio loss). */
  on: boolean;
}

/**
 * The sound of one device heard continuously: every segment fed once, in
 * order, to one long-lived ffmpeg (SegmentFeeder), its level windows put on
 * the frame clock, kept in a bounded history (LevelHistory) and turned into
 * silence intervals (SilenceRuns). Frames drive it: each frame says where
 * the capture is, which decides the segments to feed, and takes the audio
 * loss verdicts that are settled by then, each dated where the sound changed.
 */
export class AudioTimeline {
  private readonly history = new LevelHistory();
  private readonly runs: SilenceRuns;
  private readonly feeder: SegmentFeeder;
  private level: number;
  private readonly pending: Change[] = [];
  private ref: FrameStamp | undefined;
  /** The segment the current stream started with; its windows count from that segment's start less the sound's lead. */
  private streamFirstSegment = 0;
  private streamLeadMs = 0;
  private soundSilent: boolean | undefined;
  private pictureSuppressed = false;
  private lastPictureSuppressed = false;
  private lastLoss: boolean | undefined;
  private lastFedMs = Number.NEGATIVE_INFINITY;
  private lastWindowStart = Number.NEGATIVE_INFINITY;
  private readonly waiters = new Set<() => void>();
  /** Replay: windows heard before the first frame, placed on the frame clock when it comes. */
  private early: LevelWindow[] | undefined;
  /** Replay: level windows heard before the first frame came (placed on its clock then). */
  windowsBeforeFirstFrame = 0;

  constructor(private readonly options: AudioTimelineOptions) {
    this.level = options.silenceDb ?? SILENCE_DB;
    this.runs = new SilenceRuns(this.level);
    if (options.mode === 'replay') this.early = [];
    this.feeder = new SegmentFeeder({
      device: options.device,
      segmentsDir: options.segmentsDir,
      segmentSeconds: options.segmentSeconds,
      mode: options.mode,
      logger: options.logger ?? silentLogger,
      ffmpeg: options.ffmpeg,
      onUnavailable: options.onUnavailable,
      onStreamStart: (segment, leadMs) => {
        this.streamFirstSegment = segment;
        this.streamLeadMs = leadMs;
        this.runs.reset();
      },
      onWindow: (window) => this.onWindow(window),
      onStateChange: () => {
        if (this.feeder.state === 'no_audio_stream') this.soundSilent = undefined;
        this.wake();
      },
    });
  }

  /** A settings reload. */
  setSilenceDb(db: number): void {
    this.level = db;
    this.runs.setThreshold(db);
  }

  get silenceDb(): number {
    return this.level;
  }

  get state(): AudioStreamState {
    return this.feeder.state;
  }

  /** Counters (status, tests): segments fed, segments that were gone or refused, streams restarted. */
  get segmentsFed(): number {
    return this.feeder.segmentsFed;
  }

  get segmentsMissed(): number {
    return this.feeder.segmentsMissed;
  }

  get restarts(): number {
    return this.feeder.restarts;
  }

  /** End of the audio analysed so far (frame clock). */
  coveredUntil(): number | undefined {
    return this.history.coveredUntil();
  }

  get levels(): LevelHistory {
    return this.history;
  }

  /** Whether nothing more will be heard (replay fully fed, ffmpeg missing, closed). */
  get exhausted(): boolean {
    return this.feeder.exhausted;
  }

  /** A frame was analysed: where the capture is, and whether its picture suppresses audio loss (black or frozen). */
  frame(stamp: FrameStamp, suppressed: boolean): void {
    this.ref = stamp;
    if (this.early) {
      const heard = this.early;
      this.early = undefined;
      for (const window of heard) this.onWindow(window);
    }
    if (suppressed !== this.lastPictureSuppressed) {
      this.lastPictureSuppressed = suppressed;
      this.push({ timeMs: stamp.timeMs, kind: 'picture', on: suppressed });
    }
    this.feeder.advance(segmentIndexForFrame(stamp.sequence, this.options.fps, this.options.segmentSeconds));
  }

  /** The audio_loss verdicts settled up to this frame's time, in time order (each dated where it changed). */
  lossUpdates(frameTimeMs: number): LossUpdate[] {
    const horizon = this.horizon();
    if (horizon === undefined) return [];
    const until = Math.min(horizon, frameTimeMs);
    const out: LossUpdate[] = [];
    while (this.pending.length > 0 && this.pending[0]!.timeMs <= until) {
      const change = this.pending.shift()!;
      if (change.kind === 'sound') this.soundSilent = change.on;
      else this.pictureSuppressed = change.on;
      this.emit(change.timeMs, out);
    }
    this.emit(until, out, true);
    return out;
  }

  /**
   * Replay: resolves once the audio at this time is known (or will never be). Known means settled
   * past it, not up to it: a sound coming back exactly at a frame's time is settled only 150 ms
   * later, and a frame that went on at horizon == its time got the silence or the sound by how far
   * ffmpeg happened to be (an event's last frame one off between two runs of the same replay).
   */
  async waitFor(timeMs: number): Promise<void> {
    const deadline = Date.now() + REPLAY_AUDIO_WAIT_MS;
    while (!this.exhausted && (this.horizon() ?? Number.NEGATIVE_INFINITY) <= timeMs) {
      if (!this.feeder.active) return; // nothing running that could bring it
      // No sound will come for this time (its segment is missing or was refused): what was heard before it is all there is.
      if (this.ref && this.feeder.settledThrough(this.segmentIndexAt(timeMs))) return;
      if (Date.now() >= deadline) {
        this.feeder.abandon(REPLAY_AUDIO_WAIT_MS);
        return;
      }
      await this.nextWindow(deadline - Date.now());
    }
  }

  /** Zap checks: waits (at most waitMs, wall clock) until the audio reaches untilMs or nothing more will come. */
  async waitUntil(untilMs: number, waitMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (!this.exhausted && !signal?.aborted && (this.coveredUntil() ?? Number.NEGATIVE_INFINITY) < untilMs && Date.now() < deadline) {
      await this.nextWindow(Math.min(deadline - Date.now(), 250));
    }
  }

  /** The segment the sound at this time (frame clock) was heard from; undefined before any was heard. */
  segmentFileAt(timeMs: number): string | undefined {
    if (this.ref === undefined || this.history.size === 0) return undefined;
    return segmentFileName(this.segmentIndexAt(timeMs - 1));
  }

  async close(): Promise<void> {
    await this.feeder.close();
    this.wake();
  }

  private emit(timeMs: number, out: LossUpdate[], always = false): void {
    if (this.soundSilent === undefined || timeMs < this.lastFedMs) return;
    const loss = this.soundSilent && !this.pictureSuppressed;
    if (!always && loss === this.lastLoss) return;
    if (always && timeMs === this.lastFedMs && loss === this.lastLoss) return;
    this.lastLoss = loss;
    this.lastFedMs = timeMs;
    out.push({ stamp: { sequence: this.sequenceAt(timeMs), timeMs }, loss });
  }

  /** How far the sound's state is settled: a silence that may be ending is settled only up to where the sound came back. */
  private horizon(): number | undefined {
    return this.runs.pendingSince ?? this.history.coveredUntil();
  }

  /** The segment whose time span holds this time (frame clock): the frame at or before it, not the nearest. */
  private segmentIndexAt(timeMs: number): number {
    const ref = this.ref!;
    const sequence = Math.max(0, ref.sequence + Math.floor(((timeMs - ref.timeMs) * this.options.fps) / 1000));
    return segmentIndexForFrame(sequence, this.options.fps, this.options.segmentSeconds);
  }

  private sequenceAt(timeMs: number): number {
    const ref = this.ref!;
    return Math.max(0, ref.sequence + Math.round(((timeMs - ref.timeMs) * this.options.fps) / 1000));
  }

  private segmentStartMs(index: number): number {
    const ref = this.ref!;
    const framesPerSegment = this.options.fps * this.options.segmentSeconds;
    return ref.timeMs + ((index * framesPerSegment - ref.sequence) * 1000) / this.options.fps;
  }

  /**
   * Kept in time order: the sound's changes arrive ahead of the frames in a
   * replay and behind them live, the picture's with each frame. At equal
   * times the picture goes first (it decides whether a silence is a loss).
   */
  private push(change: Change): void {
    if (this.pending.length >= MAX_PENDING_CHANGES) this.pending.shift();
    let at = this.pending.length;
    while (at > 0 && (this.pending[at - 1]!.timeMs > change.timeMs || (this.pending[at - 1]!.timeMs === change.timeMs && change.kind === 'picture'))) at--;
    this.pending.splice(at, 0, change);
  }

  private onWindow(window: LevelWindow): void {
    if (!this.ref) {
      if (this.early && this.early.length < EARLY_WINDOWS_MAX) {
        this.early.push(window);
        this.windowsBeforeFirstFrame++;
      }
      return;
    }
    // The frame clock of a live capture is its files' mtimes, which jitter by a few ms: windows stay in order.
    const start = Math.max(this.segmentStartMs(this.streamFirstSegment) - this.streamLeadMs + window.ptsMs, this.lastWindowStart + 1);
    this.lastWindowStart = start;
    this.history.push(start, window.db);
    const change: SoundChange | undefined = this.runs.window(start, LEVEL_WINDOW_MS, window.db);
    if (change) this.push({ timeMs: change.timeMs, kind: 'sound', on: change.silent });
    this.wake();
  }

  /**
   * Resolves at the next level window or after waitMs. A waiter that times out leaves the set at
   * once: with no sound coming (a hung stream, a device without audio), every zap check would
   * otherwise leave its ~30 polls behind until the next window, for weeks.
   */
  private nextWindow(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(waiter, Math.max(1, waitMs));
      this.waiters.add(waiter);
    });
  }

  /** Waits in progress (tests: the set holds only live waiters). */
  get waiting(): number {
    return this.waiters.size;
  }

  private wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }
}

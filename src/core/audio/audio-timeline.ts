import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MissingProgramError } from '../errors.js';
import type { FrameStamp } from '../events/event-tracker.js';
import { pathExists } from '../fs/path-exists.js';
import { silentLogger, type Logger } from '../logger.js';
import { LEVEL_WINDOW_MS, LevelHistory } from './level-history.js';
import type { LevelWindow } from './level-parser.js';
import { LevelStream, type LevelStreamEnd } from './level-stream.js';
import { readSegmentBytes, readSegmentBytesNow } from './segment-bytes.js';
import { parseSegmentIndex, segmentFileName, segmentIndexForFrame } from './segment-files.js';
import { SILENCE_DB, SilenceRuns, type SoundChange } from './silence-runs.js';

/**
 * Replay: segments fed ahead of the frame being analysed, so ffmpeg's
 * decoding never holds a frame back. 3 kept up on a quiet machine but not
 * with the CPU contended (ffmpeg, the frame JSON thread and the analysis on
 * 2 cores); 20 s of sound lets it catch up in bursts. What it hears ahead
 * waits in the 2-minute history; 20 s of changes stay far under
 * MAX_PENDING_CHANGES (a change needs 150 ms of sound after a silence).
 */
export const REPLAY_LOOKAHEAD_SEGMENTS = 20;
/**
 * Replay: segments fed before the first frame is there (the timeline is
 * made while the frames are listed), so that ffmpeg has started and probed
 * its input by then: its start is ~50 ms, which the first frame waited.
 * Their windows wait for the first frame's time (EARLY_WINDOWS_MAX).
 */
export const REPLAY_EARLY_SEGMENTS = 3;
/** Windows heard before the first frame: REPLAY_EARLY_SEGMENTS of VNC's 4 s segments are 240. */
const EARLY_WINDOWS_MAX = 256;
/** A level stream that stopped on its own is started again after this (wall clock), doubling up to RESTART_MAX_MS. */
export const RESTART_MIN_MS = 1_000;
export const RESTART_MAX_MS = 60_000;
/** Segments without an audio stream: look again this much later (a capture may get its sound back). */
export const NO_AUDIO_RETRY_MS = 60_000;
/** Changes of the sound and of the picture's suppression waiting to be handed to the event tracker (a frame hands them over). */
export const MAX_PENDING_CHANGES = 256;
/** Replay: the longest a frame or a zap check waits for its audio (wall clock) before going on without it. */
export const REPLAY_AUDIO_WAIT_MS = 30_000;
/**
 * Live: a stream that was fed a segment and has said nothing for this long
 * (wall clock) is hung (a dead disk, a stuck decoder): it is stopped and
 * started again. A healthy one answers each 1 s segment within ~0.1 s.
 */
export const STREAM_HUNG_MS = 20_000;

export type AudioStreamState = 'starting' | 'running' | 'no_audio_stream' | 'unavailable' | 'stopped';

export interface AudioTimelineOptions {
  device: string;
  /** The device's live `segments/` folder. */
  segmentsDir: string;
  fps: number;
  segmentSeconds: number;
  /**
   * live: a segment is fed once the frames have moved past it and the next
   * segment exists (the muxer has finished it); replay: the folder is
   * complete, segments are fed a few ahead of the frames and the stream is
   * ended after the last one.
   */
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
 * order, to one long-lived ffmpeg (LevelStream), its level windows put on
 * the frame clock, kept in a bounded history (LevelHistory) and turned into
 * silence intervals (SilenceRuns). Frames drive it: each frame says where
 * the capture is, which decides the segments to feed, and takes the audio
 * loss verdicts that are settled by then, each dated where the sound changed.
 */
export class AudioTimeline {
  private readonly logger: Logger;
  private readonly history = new LevelHistory();
  private readonly runs: SilenceRuns;
  private level: number;
  private readonly pending: Change[] = [];
  private ref: FrameStamp | undefined;
  private stream: LevelStream | undefined;
  private streamRun = 0;
  /** The segment whose start is pts 0 of the current stream. */
  private streamFirstSegment = 0;
  private next: number | undefined;
  private target = -1;
  private ownIndex = 0;
  private feeding: Promise<void> | undefined;
  private restartAtWall = 0;
  private backoffMs = RESTART_MIN_MS;
  private lastReason: string | undefined;
  private replayLast: number | undefined;
  private endedByUs = false;
  private closed = false;
  private soundSilent: boolean | undefined;
  private pictureSuppressed = false;
  private lastPictureSuppressed = false;
  private lastLoss: boolean | undefined;
  private lastFedMs = Number.NEGATIVE_INFINITY;
  private lastWindowStart = Number.NEGATIVE_INFINITY;
  /** Wall clock of the first segment fed since the stream last said something (hang detection). */
  private unansweredSinceWall: number | undefined;
  private readonly waiters = new Set<() => void>();
  /** Replay: windows heard before the first frame, placed on the frame clock when it comes. */
  private early: LevelWindow[] | undefined;
  private readonly prestart: Promise<void> | undefined;
  state: AudioStreamState = 'starting';
  /** Counters (status, tests): segments fed, segments that were gone or refused, streams restarted. */
  segmentsFed = 0;
  segmentsMissed = 0;
  restarts = 0;
  /** Replay: level windows heard before the first frame came (placed on its clock then). */
  windowsBeforeFirstFrame = 0;

  constructor(private readonly options: AudioTimelineOptions) {
    this.logger = options.logger ?? silentLogger;
    this.level = options.silenceDb ?? SILENCE_DB;
    this.runs = new SilenceRuns(this.level);
    // Replay: list the segments and start ffmpeg while the first frame is decoded; the first frame
    // waited ~100 ms for it otherwise (the process start, ffmpeg's own start).
    if (options.mode === 'replay') {
      this.early = [];
      this.prestart = this.listReplaySegments()
        .then(async () => {
          if (this.next === undefined || this.closed) return;
          await this.ensureStream(this.next);
          if (this.ref === undefined) this.target = this.next + REPLAY_EARLY_SEGMENTS - 1;
          this.pump();
        })
        .catch((err: unknown) => this.logOnce(`audio of segments failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** A settings reload. */
  setSilenceDb(db: number): void {
    this.level = db;
    this.runs.setThreshold(db);
  }

  get silenceDb(): number {
    return this.level;
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
    return this.closed || this.state === 'unavailable' || (this.options.mode === 'replay' && (this.state === 'stopped' || this.state === 'no_audio_stream'));
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
    const own = segmentIndexForFrame(stamp.sequence, this.options.fps, this.options.segmentSeconds);
    if (this.options.mode === 'live') {
      // Frames numbered from lower again: the capture restarted (its segments too). Start over where it is now.
      if (this.next !== undefined && own + 1 < this.next) this.restartAt(Math.max(0, own - 1));
      this.next ??= Math.max(0, own - 1);
      this.target = own - 1;
    } else {
      this.target = own + REPLAY_LOOKAHEAD_SEGMENTS;
    }
    this.ownIndex = own;
    this.checkHung();
    this.pump();
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
    while (!this.exhausted && (this.horizon() ?? Number.NEGATIVE_INFINITY) <= timeMs && Date.now() < deadline) {
      if (!this.feeding && !this.stream) break; // nothing running that could bring it (no segment for that time)
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
    return segmentFileName(segmentIndexForFrame(this.sequenceAt(timeMs - 1), this.options.fps, this.options.segmentSeconds));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stream?.stop();
    await this.feeding;
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

  private restartAt(segment: number): void {
    this.next = segment;
    // The old stream's end is ours, not a failure: its callbacks no longer count (no restart warning, no back-off).
    this.streamRun++;
    void this.stream?.stop();
    this.stream = undefined;
  }

  private pump(): void {
    if (this.feeding || this.closed) return;
    this.feeding = this.feed()
      .catch((err: unknown) => this.logOnce(`audio of segments failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.feeding = undefined;
      });
  }

  private async feed(): Promise<void> {
    await this.prestart;
    while (!this.closed && this.next !== undefined && this.next <= this.target) {
      if (this.options.mode === 'replay' && this.next > this.replayLast!) break;
      const n = this.next;
      // Live: the newest segment the frames have passed may still be written until the muxer starts the next one.
      if (this.options.mode === 'live' && n >= this.ownIndex - 1 && !(await pathExists(this.segmentPath(n + 1)))) return;
      const read = this.options.mode === 'replay' ? readSegmentBytesNow(this.segmentPath(n)) : await readSegmentBytes(this.segmentPath(n));
      if ('missing' in read || 'refused' in read) {
        if ('refused' in read) this.logOnce(`audio segment skipped: ${read.refused}`);
        this.segmentsMissed++;
        this.next = n + 1;
        continue;
      }
      const stream = await this.ensureStream(n);
      if (!stream) return;
      this.unansweredSinceWall ??= Date.now();
      if (!(await stream.write(read.bytes))) return; // it stopped: onEnd plans the restart
      this.segmentsFed++;
      this.next = n + 1;
    }
    if (this.options.mode === 'replay' && this.next !== undefined && this.next > this.replayLast! && this.stream && !this.stream.finished) {
      this.endedByUs = true;
      await this.stream.end();
    }
  }

  private async listReplaySegments(): Promise<void> {
    let first: number | undefined;
    let last: number | undefined;
    try {
      for (const name of await fs.readdir(this.options.segmentsDir)) {
        const index = parseSegmentIndex(name);
        if (index === undefined) continue;
        if (first === undefined || index < first) first = index;
        if (last === undefined || index > last) last = index;
      }
    } catch {
      // no segments folder: a capture without audio
    }
    this.next = first;
    this.replayLast = last ?? -1;
    if (first === undefined) {
      this.state = 'stopped';
      this.wake();
    }
  }

  private async ensureStream(segment: number): Promise<LevelStream | undefined> {
    if (this.stream && !this.stream.finished) return this.stream;
    if (this.state === 'unavailable' || this.closed) return undefined;
    if (this.options.mode === 'live' && Date.now() < this.restartAtWall) return undefined;
    if (this.options.mode === 'replay' && this.state === 'no_audio_stream') return undefined;
    const run = ++this.streamRun;
    try {
      this.stream = await LevelStream.start({
        ffmpeg: this.options.ffmpeg,
        onWindow: (w) => run === this.streamRun && this.onWindow(w),
        onEnd: (end) => run === this.streamRun && this.onEnd(end),
      });
    } catch (err) {
      if (err instanceof MissingProgramError) {
        this.state = 'unavailable';
        this.options.onUnavailable?.(err);
        this.wake();
        return undefined;
      }
      throw err;
    }
    this.streamFirstSegment = segment;
    this.runs.reset();
    this.state = 'running';
    return this.stream;
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
    const start = Math.max(this.segmentStartMs(this.streamFirstSegment) + window.ptsMs, this.lastWindowStart + 1);
    this.lastWindowStart = start;
    this.history.push(start, window.db);
    const change: SoundChange | undefined = this.runs.window(start, LEVEL_WINDOW_MS, window.db);
    if (change) this.push({ timeMs: change.timeMs, kind: 'sound', on: change.silent });
    this.backoffMs = RESTART_MIN_MS;
    this.unansweredSinceWall = undefined;
    this.wake();
  }

  private checkHung(): void {
    if (this.options.mode !== 'live' || !this.stream || this.unansweredSinceWall === undefined) return;
    if (Date.now() - this.unansweredSinceWall < STREAM_HUNG_MS) return;
    this.unansweredSinceWall = undefined;
    this.logOnce(`audio level stream answered nothing for ${STREAM_HUNG_MS / 1000}s: stopped, to be started again`);
    // Its end (onEnd) plans the restart like any other stop.
    void this.stream.stop();
  }

  private onEnd(end: LevelStreamEnd): void {
    this.stream = undefined;
    this.unansweredSinceWall = undefined;
    if (this.closed) return;
    if (this.endedByUs) {
      this.state = 'stopped';
    } else if (end.noAudioStream) {
      if (this.state !== 'no_audio_stream') {
        this.logger.warn(`[${this.options.device}] its segments have no audio stream: audio is reported as unknown for this device, not as loss`);
      }
      this.state = 'no_audio_stream';
      this.soundSilent = undefined;
      this.restartAtWall = Date.now() + NO_AUDIO_RETRY_MS;
    } else {
      this.restarts++;
      this.logOnce(`audio level stream stopped (${end.reason ?? `exit code ${end.exitCode ?? 'none'}`}); restarting in ${this.backoffMs / 1000}s`);
      this.restartAtWall = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, RESTART_MAX_MS);
      this.state = 'starting';
    }
    this.wake();
  }

  private logOnce(message: string): void {
    if (message === this.lastReason) return;
    this.lastReason = message;
    this.logger.warn(`[${this.options.device}] ${message}`);
  }

  private segmentPath(index: number): string {
    return path.join(this.options.segmentsDir, segmentFileName(index));
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

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MissingProgramError } from '../errors.js';
import { pathExists } from '../fs/path-exists.js';
import type { Logger } from '../logger.js';
import type { LevelWindow } from './level-parser.js';
import { LevelStream, type LevelStreamEnd } from './level-stream.js';
import { readSegmentBytes, readSegmentBytesNow } from './segment-bytes.js';
import { parseSegmentIndex, segmentFileName } from './segment-files.js';
import { audioLeadMs } from './ts-first-pts.js';

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
 * Their windows wait for the first frame's time (audio-timeline.ts).
 */
export const REPLAY_EARLY_SEGMENTS = 3;
/** A level stream that stopped on its own is started again after this (wall clock), doubling up to RESTART_MAX_MS. */
export const RESTART_MIN_MS = 1_000;
export const RESTART_MAX_MS = 60_000;
/** Segments without an audio stream: look again this much later (a capture may get its sound back). */
export const NO_AUDIO_RETRY_MS = 60_000;
/**
 * Live: a stream that was fed a segment and has said nothing for this long
 * (wall clock) is hung (a dead disk, a stuck decoder): it is stopped and
 * started again. A healthy one answers each 1 s segment within ~0.1 s.
 */
export const STREAM_HUNG_MS = 20_000;

/**
 * Segments missing for this long in a row end the stream at the gap, and the next segment starts a
 * new one (placed by its own index and lead). ffmpeg joins the timestamps across a jump of over
 * 10 s (its dts_delta_threshold), which would put the sound after a long hole early by the hole's
 * length; a replay's frames in the hole would also wait for the sound ffmpeg holds back until more
 * input comes. Shorter gaps keep the stream (no restart per missing segment).
 */
export const GAP_RESTART_MS = 5_000;

export type AudioStreamState = 'starting' | 'running' | 'no_audio_stream' | 'unavailable' | 'stopped';

export interface SegmentFeederOptions {
  device: string;
  /** The device's live `segments/` folder. */
  segmentsDir: string;
  segmentSeconds: number;
  /**
   * live: a segment is fed once the frames have moved past it and the next
   * segment exists (the muxer has finished it); replay: the folder is
   * complete, segments are fed ahead of the frames and the stream is ended
   * after the last one.
   */
  mode: 'live' | 'replay';
  logger: Logger;
  ffmpeg?: string;
  onUnavailable?: (err: MissingProgramError) => void;
  /**
   * A stream is fed its first segment: its windows' times count from that segment's start, less
   * `leadMs`, how long before the segment's first picture its sound starts (ts-first-pts.ts).
   */
  onStreamStart: (firstSegment: number, leadMs: number) => void;
  onWindow: (window: LevelWindow) => void;
  /** The state changed (a stream ended, ffmpeg is missing, no segments): whoever waits for sound looks again. */
  onStateChange: () => void;
}

/**
 * Every segment of one device fed once, in order, to one long-lived ffmpeg
 * (LevelStream): which segment next, when it is safe to read, the stream's
 * start, restart with back-off, hang detection and the replay's one pass.
 * The frames say where the capture is (advance); what ffmpeg hears goes to
 * the timeline through onWindow.
 */
export class SegmentFeeder {
  private stream: LevelStream | undefined;
  private streamRun = 0;
  private next: number | undefined;
  private target = -1;
  private ownIndex = 0;
  private framesSeen = false;
  private feeding: Promise<void> | undefined;
  private restartAtWall = 0;
  private backoffMs = RESTART_MIN_MS;
  private lastReason: string | undefined;
  private replayLast: number | undefined;
  private endedByUs = false;
  private closed = false;
  /** Replay: the stream let a frame wait too long (abandon): nothing more is heard. */
  private abandoned = false;
  /** Replay: the stream is being ended at a gap in the segments (its last windows flushed), not for good. */
  private endingAtGap = false;
  /** The first segment of the current stream, and how many it was fed. */
  private streamFirst = 0;
  private fedThisStream = 0;
  /** Segments missing in a row (GAP_RESTART_MS). */
  private missingRun = 0;
  /** Wall clock of the first segment fed since the stream last said something (hang detection). */
  private unansweredSinceWall: number | undefined;
  private readonly prestart: Promise<void> | undefined;
  state: AudioStreamState = 'starting';
  /** Counters (status, tests): segments fed, segments that were gone or refused, streams restarted. */
  segmentsFed = 0;
  segmentsMissed = 0;
  restarts = 0;

  constructor(private readonly options: SegmentFeederOptions) {
    // Replay: list the segments, start ffmpeg and feed it the first ones while the frames are listed.
    if (options.mode === 'replay') {
      this.prestart = this.listReplaySegments()
        .then(async () => {
          if (this.next === undefined || this.closed) return;
          await this.ensureStream(this.next);
          if (!this.framesSeen) this.target = this.next + REPLAY_EARLY_SEGMENTS - 1;
          this.pump();
        })
        .catch((err: unknown) => this.logOnce(`audio of segments failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Whether nothing more will be heard (replay fully fed, ffmpeg missing, closed). */
  get exhausted(): boolean {
    return this.closed || this.state === 'unavailable' || (this.options.mode === 'replay' && (this.state === 'stopped' || this.state === 'no_audio_stream'));
  }

  /** Something is running that could still bring sound (false: no segment for that time). */
  get active(): boolean {
    return this.feeding !== undefined || this.stream !== undefined;
  }

  /**
   * Replay: nothing more will be heard up to the end of segment `index`: every segment up to it
   * was fed or skipped, and no running stream holds sound of it (a gap ended the stream that did).
   */
  settledThrough(index: number): boolean {
    return this.next !== undefined && this.next > index && (this.stream === undefined || this.streamFirst > index);
  }

  /** The frames reached segment `own` (segment-files.ts segmentIndexForFrame). */
  advance(own: number): void {
    this.framesSeen = true;
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

  /**
   * Replay: the stream let a frame wait its whole REPLAY_AUDIO_WAIT_MS (a hung ffmpeg, a dead
   * disk): it is stopped, nothing more is fed or heard, and the frames go on with what was heard.
   * Without this each frame waited the full time again (a 10-frame replay took 5 minutes).
   */
  abandon(waitedMs: number): void {
    if (this.closed || this.abandoned || this.options.mode !== 'replay') return;
    this.abandoned = true;
    this.logOnce(`audio level stream answered nothing for ${waitedMs / 1000}s: stopped; the rest of this replay has no audio`);
    this.state = 'stopped';
    // Its end is ours: no restart, no second warning.
    this.streamRun++;
    void this.stream?.stop();
    this.stream = undefined;
    this.options.onStateChange();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stream?.stop();
    await this.feeding;
  }

  private restartAt(segment: number): void {
    this.next = segment;
    // The old stream's end is ours, not a failure: its callbacks no longer count (no restart warning, no back-off).
    this.streamRun++;
    void this.stream?.stop();
    this.stream = undefined;
  }

  private pump(): void {
    if (this.feeding || this.closed || this.abandoned) return;
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
        this.missingRun++;
        this.next = n + 1;
        // A long gap ends the stream (ffmpeg gives out the sound it holds back); the next segment starts a new one.
        if (this.missingRun * this.options.segmentSeconds * 1000 >= GAP_RESTART_MS && this.stream && !this.stream.finished && this.fedThisStream > 0) {
          this.endingAtGap = true;
          await this.stream.end();
        }
        continue;
      }
      const stream = await this.ensureStream(n);
      if (!stream) return;
      this.missingRun = 0;
      if (this.fedThisStream === 0) {
        this.streamFirst = n;
        this.options.onStreamStart(n, audioLeadMs(read.bytes));
      }
      this.unansweredSinceWall ??= Date.now();
      if (!(await stream.write(read.bytes))) return; // it stopped: onEnd plans the restart
      this.segmentsFed++;
      this.fedThisStream++;
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
      this.options.onStateChange();
    }
  }

  private async ensureStream(segment: number): Promise<LevelStream | undefined> {
    if (this.stream && !this.stream.finished) return this.stream;
    if (this.state === 'unavailable' || this.closed || this.abandoned) return undefined;
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
        this.options.onStateChange();
        return undefined;
      }
      throw err;
    }
    this.streamFirst = segment;
    this.fedThisStream = 0;
    this.state = 'running';
    return this.stream;
  }

  private onWindow(window: LevelWindow): void {
    this.backoffMs = RESTART_MIN_MS;
    this.unansweredSinceWall = undefined;
    this.options.onWindow(window);
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
    if (this.endingAtGap) {
      this.endingAtGap = false;
      this.state = 'starting';
    } else if (this.endedByUs) {
      this.state = 'stopped';
    } else if (end.noAudioStream) {
      if (this.state !== 'no_audio_stream') {
        this.options.logger.warn(`[${this.options.device}] its segments have no audio stream: audio is reported as unknown for this device, not as loss`);
      }
      this.state = 'no_audio_stream';
      this.restartAtWall = Date.now() + NO_AUDIO_RETRY_MS;
    } else {
      this.restarts++;
      this.logOnce(`audio level stream stopped (${end.reason ?? `exit code ${end.exitCode ?? 'none'}`}); restarting in ${this.backoffMs / 1000}s`);
      this.restartAtWall = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, RESTART_MAX_MS);
      this.state = 'starting';
    }
    this.options.onStateChange();
  }

  private logOnce(message: string): void {
    if (message === this.lastReason) return;
    this.lastReason = message;
    this.options.logger.warn(`[${this.options.device}] ${message}`);
  }

  private segmentPath(index: number): string {
    return path.join(this.options.segmentsDir, segmentFileName(index));
  }
}

import { MissingProgramError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { analyzeSegment, type AudioState, type SegmentAudio } from './analyze-segment.js';
import { SEGMENT_SECONDS, segmentFileName, segmentIndexForFrame, segmentPath } from './segment-files.js';
import { pathExists } from '../fs/path-exists.js';
import { isoLocal } from '../layout/frame-time.js';

/** At most one audio check per this much video per device (docs/design.md: every 5 s of frame time). */
export const AUDIO_CHECK_INTERVAL_MS = 5_000;
/**
 * Check the segment this many before the frame's own: the frame's segment
 * is still being written when the frame arrives, the previous one is
 * complete. Replay uses the same offset so it samples exactly as live does.
 */
export const SEGMENT_LAG = 1;
/** If the lagged segment is missing (muxer a little late), look this many further back before giving up. */
export const SEGMENT_FALLBACK = 1;

/** The per-frame JSON fields (docs/design.md "Outputs"), carried unchanged between checks. */
export interface AudioFields {
  /** true: sound; false: silent (an audio_loss candidate); null: unknown (no stream, no ffmpeg, error, no segment yet). */
  audio: boolean | null;
  mean_volume_db?: number;
  /** Frame-clock time of the frame that triggered the check (ISO 8601). */
  audio_check_timestamp?: string;
  audio_segment_file?: string;
  audio_state?: AudioState | 'unknown' | 'no_segment';
}

export type AnalyzeFn = (file: string, signal: AbortSignal) => Promise<SegmentAudio>;

export interface AudioCheckerOptions {
  device: string;
  /** The device's live `segments/` folder. */
  segmentsDir: string;
  fps: number;
  segmentSeconds?: number;
  intervalMs?: number;
  /** The analysis (default: analyzeSegment with real ffmpeg). */
  analyze?: AnalyzeFn;
  logger?: Logger;
  /** Called once if ffmpeg turns out to be missing; audio stays unknown from then on. */
  onUnavailable?: (err: MissingProgramError) => void;
}

/**
 * Audio presence for one device on the frame clock. Each frame asks for the
 * current fields; when 5 s of video passed since the last check and no
 * check is running, one ffmpeg starts on the last complete segment. A check
 * in flight means the frame is skipped, never queued: at most one ffmpeg per
 * device, and frames never wait on it (live). Replay awaits the check
 * instead (onFrameAndWait), so its samples fall where live's would.
 */
export class AudioChecker {
  private readonly options: AudioCheckerOptions;
  private readonly logger: Logger;
  private last: AudioFields = { audio: null, audio_state: 'unknown' };
  private lastCheckAtMs: number | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** Frame-clock start of the segment behind `last` (for the suppression gate). */
  private lastSegmentStartMs: number | undefined;
  /** Frame time of the latest frame that suppressed audio loss (blackscreen or freeze). */
  private lastSuppressedMs = Number.NEGATIVE_INFINITY;
  private suppressedNow = false;
  private noStreamLogged = false;
  private lastErrorLogged: string | undefined;
  private unavailable = false;
  /** Counters for tests and stats: checks started, and frames that found one running. */
  checksStarted = 0;
  skippedInFlight = 0;

  constructor(options: AudioCheckerOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Live: the fields for this frame; starts a check in the background when
   * one is due. `suppressed`: this frame is black or frozen (docs/design.md
   * priority), which audioLoss() needs to know.
   */
  onFrame(sequence: number, timeMs: number, suppressed = false): AudioFields {
    this.noteSuppression(timeMs, suppressed);
    this.maybeStart(sequence, timeMs);
    return this.current();
  }

  /** Replay: as onFrame, but waits for a check this frame started (or one still running). */
  async onFrameAndWait(sequence: number, timeMs: number, suppressed = false): Promise<AudioFields> {
    this.noteSuppression(timeMs, suppressed);
    this.maybeStart(sequence, timeMs);
    await this.inFlight;
    return this.current();
  }

  /**
   * The audio_loss verdict for the frame last passed to onFrame: undefined
   * when audio is unknown; false while the picture is black or frozen; and
   * false when the silent segment began before the picture came back: a
   * result carried over from the black stretch says nothing about the sound
   * now, and would otherwise make an "audio loss" of one check interval
   * after every blackscreen with silence.
   */
  audioLoss(): boolean | undefined {
    if (this.last.audio === null) return undefined;
    if (this.suppressedNow) return false;
    return this.last.audio === false && (this.lastSegmentStartMs ?? Number.NEGATIVE_INFINITY) > this.lastSuppressedMs;
  }

  current(): AudioFields {
    return { ...this.last };
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  /** Stop: kill a running ffmpeg and wait for it. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.inFlight;
  }

  private noteSuppression(timeMs: number, suppressed: boolean): void {
    this.suppressedNow = suppressed;
    if (suppressed) this.lastSuppressedMs = timeMs;
  }

  private maybeStart(sequence: number, timeMs: number): void {
    if (this.unavailable || this.abort.signal.aborted) return;
    if (this.lastCheckAtMs !== undefined && timeMs - this.lastCheckAtMs < (this.options.intervalMs ?? AUDIO_CHECK_INTERVAL_MS)) return;
    if (this.inFlight) {
      this.skippedInFlight++;
      return;
    }
    const own = segmentIndexForFrame(sequence, this.options.fps, this.options.segmentSeconds ?? SEGMENT_SECONDS);
    const index = own - SEGMENT_LAG;
    if (index < 0) return; // no complete segment yet
    this.lastCheckAtMs = timeMs;
    this.checksStarted++;
    const framesPerSegment = this.options.fps * (this.options.segmentSeconds ?? SEGMENT_SECONDS);
    const segmentStartMs = (i: number) => timeMs - ((sequence - i * framesPerSegment) * 1000) / this.options.fps;
    this.inFlight = this.check(index, timeMs, segmentStartMs).finally(() => {
      this.inFlight = undefined;
    });
  }

  private async check(index: number, timeMs: number, segmentStartMs: (index: number) => number): Promise<void> {
    // The frame clock in local time with its offset, like every other time of the frame's JSON.
    const stamp = isoLocal(timeMs);
    let found: number | undefined;
    for (let i = index; i >= Math.max(0, index - SEGMENT_FALLBACK); i--) {
      if (await pathExists(segmentPath(this.options.segmentsDir, i))) {
        found = i;
        break;
      }
    }
    if (found === undefined) {
      this.lastSegmentStartMs = undefined;
      // No segment was analysed: no segment name (a name here would say a file was heard that does not exist).
      this.last = { audio: null, audio_state: 'no_segment', audio_check_timestamp: stamp };
      return;
    }
    const analyze = this.options.analyze ?? ((f: string, signal: AbortSignal) => analyzeSegment(f, { signal }));
    let result: SegmentAudio;
    try {
      result = await analyze(segmentPath(this.options.segmentsDir, found), this.abort.signal);
    } catch (err) {
      if (err instanceof MissingProgramError) {
        this.unavailable = true;
        this.last = { audio: null, audio_state: 'unknown' };
        this.options.onUnavailable?.(err);
        return;
      }
      // Nobody awaits a live check: an exception here would be an unhandled rejection. Report it as the check's state.
      result = { state: 'error', silences: [], durationMs: 0, error: err instanceof Error ? err.message : String(err) };
    }
    if (this.abort.signal.aborted) return;
    this.lastSegmentStartMs = segmentStartMs(found);
    this.record(result, stamp, segmentFileName(found));
  }

  private record(result: SegmentAudio, stamp: string, segment: string): void {
    const { device } = this.options;
    const fields: AudioFields = { audio: null, audio_state: result.state, audio_check_timestamp: stamp, audio_segment_file: segment };
    if (result.state === 'audio' || result.state === 'silent') {
      fields.audio = result.state === 'audio';
      if (result.meanVolumeDb !== undefined) fields.mean_volume_db = result.meanVolumeDb;
      this.lastErrorLogged = undefined;
    } else if (result.state === 'no_audio_stream') {
      if (!this.noStreamLogged) {
        this.noStreamLogged = true;
        this.logger.warn(`[${device}] ${segment} has no audio stream: audio is reported as unknown for this device, not as loss`);
      }
    } else if (result.error !== this.lastErrorLogged) {
      // Once per distinct error, not once per check: a broken segment writer would flood the journal.
      this.lastErrorLogged = result.error;
      this.logger.warn(`[${device}] audio check of ${segment} failed: ${result.error ?? 'unknown error'}`);
    }
    this.last = fields;
  }
}

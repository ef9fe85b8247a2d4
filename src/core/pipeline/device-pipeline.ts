import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeviceAudio } from '../audio/device-audio.js';
import type { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { SettingsRef } from '../config/device-settings.js';
import { EventTracker, type FrameStamp, type OpenSequence, type TrackerRecord } from '../events/event-tracker.js';
import { captureFileName, isChunkFrame, metadataFileName, thumbnailFileName } from '../layout/frame-names.js';
import type { Logger } from '../logger.js';
import { pathExists } from '../fs/path-exists.js';
import { ChunkWriter, chunkEntryFromFrameRecord, chunkFilePath, chunkLocation } from './chunk-writer.js';
import { FrameAnalyzer, type FrameAnalysis } from './frame-analyzer.js';
import { buildFrameRecord, type FrameAudio } from './frame-json.js';
import { inlineFrameJsonWriter, type FrameJsonWriter } from './frame-json-writer.js';
import { loadFrame, type LoadedFrame } from './frame-loader.js';
import { ongoingEvents, transitionsOf, type FrameOutcome } from './frame-outcome.js';
import { FrameProblems } from './frame-problems.js';
import { WriteFailures } from './write-failures.js';

/**
 * The per-frame pipeline of one device, the one copy used by the live
 * monitor and by --replay: load -> analyse -> audio -> event tracker -> zaps
 * -> frame JSON -> chunk, each step its own module, one error policy
 * (FrameProblems for the frames, WriteFailures for the outputs). The two
 * modes differ only in their Schedule (how long a frame may wait, and for
 * what) and in where frames come from and how they are timed (the caller).
 */
export interface Schedule {
  /** Wait until the sound at each frame's time is heard (replay: all segments are there), or never wait (live: the audio lags a segment or two). */
  waitForAudio: boolean;
  /** Per-frame JSON writes in flight per device (1: each frame waits for its own). */
  writesInFlight: number;
  /** Write each chunk entry at once (live: nothing waits in memory), or per chunk window (replay). */
  flushChunksEachFrame: boolean;
}

export const LIVE_SCHEDULE: Schedule = { waitForAudio: false, writesInFlight: 1, flushChunksEachFrame: true };
/**
 * Replay: a per-frame JSON write is a read, a merge and an atomic write
 * (about seven file operations) to a file of its own; awaiting each before the
 * next frame left the CPU idle for close to half of a replay. 32 rather than 8:
 * 3000 frames in 3.0 s instead of 3.2 s (docs/architecture.md "Where a
 * replay's time goes"), more saves nothing. Each holds one record (~1 KB).
 */
const REPLAY_WRITES_IN_FLIGHT = 32;
export const REPLAY_SCHEDULE: Schedule = { waitForAudio: true, writesInFlight: REPLAY_WRITES_IN_FLIGHT, flushChunksEachFrame: false };

export interface DevicePipelineOptions {
  device: string;
  fps: number;
  /** VNC devices write 4 s audio segments. */
  vnc: boolean;
  /** `<device>/metadata`: the cold side, where the 10-minute chunk files go. */
  chunksDir: string;
  schedule: Schedule;
  /** Where the frame JSON is written (default: in this thread; --replay: its writer thread). */
  frameJson?: FrameJsonWriter;
  /** This device's settings (config file + flags, swapped on SIGHUP): the one input of detection, timing and the audio switch. */
  settings: SettingsRef;
  /** false: --no-audio or no ffmpeg (audio unknown, never loss). */
  checkAudio: boolean;
  /** The process's zap confirmation pool. */
  zaps?: ZapConfirmer;
  logger?: Logger;
  onWarning?: (message: string) => void;
  onInfo?: (message: string) => void;
  /** Every record of the event tracker (the replay summary lists zaps and zap candidates too). */
  onRecord?: (record: TrackerRecord) => void;
}

/** One frame as its source hands it over. */
export interface PipelineFrame {
  sequence: number;
  /** On the frame clock: the file's mtime live, the replay clock in --replay. */
  timeMs: number;
  /** Live: the frame clock without wall-clock steps, for durations (events/event-tracker.ts FrameStamp). */
  steplessMs?: number;
  /** Where ffmpeg writes now (`<device>/hot` or the device folder): captures, segments and the per-frame JSON are under it. */
  liveDir: string;
  capturePath: string;
  thumbnailPath: string;
  /** Already being decoded (replay prefetches); otherwise the pipeline loads the frame. */
  loading?: Promise<LoadedFrame>;
  /** The queue is backlogged: blackscreen and freeze on every 5th frame only. */
  sample?: boolean;
  /**
   * Older than a frame already analysed (live, newest-first under backlog):
   * it reuses the last analysis and gets its JSON, but does not move the
   * event tracker back in time.
   */
  late?: boolean;
}

interface PipelineResult {
  outcome: FrameOutcome;
  analysis: FrameAnalysis;
  /** The frame counts as bad (FrameProblems). */
  bad: boolean;
}

type Settled = { error: unknown } | undefined;

export class DevicePipeline {
  private readonly analyzer: FrameAnalyzer;
  private readonly tracker: EventTracker;
  private readonly chunks: ChunkWriter;
  private readonly writes: WriteFailures;
  private readonly problems: FrameProblems;
  /** Per-frame JSON writes not yet settled: at most schedule.writesInFlight. */
  private readonly inFlight: Promise<Settled>[] = [];
  /** The newest in-order analysis: a late frame reuses it (docs/design.md backlog rule) instead of disturbing the freeze ring. */
  private last: FrameAnalysis | undefined;
  private lastStamp: FrameStamp | undefined;
  /** The live metadata folder known to exist (it moves if hot/ appears). */
  private metadataReady: string | undefined;
  /** Audio and zap submission for the current live folder (recreated if hot/ appears). */
  private audio: DeviceAudio | undefined;

  constructor(private readonly options: DevicePipelineOptions) {
    const warn = (message: string) => options.onWarning?.(message);
    const settings = options.settings.current;
    this.analyzer = new FrameAnalyzer(options.settings, (message) => warn(`[${options.device}] ${message}`));
    this.tracker = new EventTracker(options.device, settings.minEventMs, settings.clearTimeMs);
    this.tracker.setMinEvent('audio_loss', settings.minSilenceMs);
    this.writes = new WriteFailures(options.device, warn, options.logger);
    this.problems = new FrameProblems(options.device, warn, (message) => (options.onInfo ?? warn)(message));
    this.chunks = new ChunkWriter(options.chunksDir, {
      onCorrupt: (file, aside, reason) =>
        warn(`[${options.device}] corrupt chunk file ${file}${reason === undefined ? '' : ` (${reason})`} set aside as ${path.basename(aside)}`),
    });
  }

  get device(): string {
    return this.options.device;
  }

  /** Frames analysed from the capture because the thumbnail was missing (not bad frames). */
  get framesWithoutThumbnail(): number {
    return this.problems.withoutThumbnail;
  }

  /** Output files lost to filesystem refusals. */
  get writesLost(): number {
    return this.writes.lost;
  }

  /** The sequences still open at the last analysed frame (end of a replay: events still running). */
  openSequences(): OpenSequence[] {
    return this.lastStamp ? this.tracker.openSequences(this.lastStamp) : [];
  }

  async frame(frame: PipelineFrame): Promise<PipelineResult> {
    const late = frame.late === true;
    const stamp: FrameStamp = { sequence: frame.sequence, timeMs: frame.timeMs, ...(frame.steplessMs !== undefined ? { steplessMs: frame.steplessMs } : {}) };
    // Step 1-2: load and analyse (a late frame reuses the last analysis).
    // The device's audio first: a replay's ffmpeg starts while this frame is decoded.
    const audio = this.audioFor(frame.liveDir);
    const analysis = await this.analyse(frame, late);
    const bad = this.problems.observe(analysis);
    // Step 3-5: audio, event tracker, zaps.
    let frameAudio: FrameAudio = audio.carried();
    const records: TrackerRecord[] = [];
    if (analysis.analyzed && !late) {
      this.last = analysis;
      this.lastStamp = stamp;
      // A reload (SIGHUP) may have changed the timing: the tracker follows from this frame.
      const settings = this.options.settings.current;
      this.tracker.retime(settings.minEventMs, settings.clearTimeMs);
      this.tracker.setMinEvent('audio_loss', settings.minSilenceMs);
      audio.setSilenceDb(settings.silenceDb);
      const heard = this.options.schedule.waitForAudio
        ? await audio.frameAndWait(frame.sequence, stamp.timeMs, analysis.suppressesAudioLoss)
        : audio.frame(frame.sequence, stamp.timeMs, analysis.suppressesAudioLoss);
      frameAudio = heard.audio;
      // The sound's verdicts first, each on its own time (at or before this frame's): its boundaries are the sound's, not the frame's.
      for (const u of heard.lossUpdates) records.push(...this.tracker.update(u.stamp, { audio_loss: u.loss }));
      records.push(...this.tracker.update(stamp, analysis.verdicts));
      // Replay: the zap's result goes into the frames right after it, whatever the machine's speed.
      const zapsChecked = audio.submitZaps(records);
      if (this.options.schedule.waitForAudio) await zapsChecked;
      for (const record of records) this.options.onRecord?.(record);
    }
    const open = late ? [] : this.tracker.openSequences(stamp);
    const outcome: FrameOutcome = {
      sequence: frame.sequence,
      timeMs: frame.timeMs,
      ongoing: ongoingEvents(open),
      transitions: transitionsOf(records),
      performanceMs: analysis.performanceMs,
    };
    // A frame whose files are gone (hot rotation got there first, under backlog) gets no per-frame JSON:
    // nothing would ever remove it from the metadata folder, whose frames the rotation has passed.
    if (analysis.gone) return { outcome, analysis, bad };
    // Step 6-7: frame JSON and chunk.
    const record = buildFrameRecord({ analysis, timeMs: stamp.timeMs, ongoing: open, audio: frameAudio, zapping: audio.zapping() });
    await this.writeFrameJson(path.join(frame.liveDir, 'metadata'), record, frame.sequence);
    if (isChunkFrame(frame.sequence, this.options.fps)) await this.writeChunkEntry(record, stamp.timeMs);
    return { outcome, analysis, bad };
  }

  /**
   * The capture stalled after the last frame: open episodes end on it (EventTracker.interrupt) and
   * the next frame is not compared with the frames before the stall. Undefined before any frame.
   */
  interrupt(): FrameOutcome | undefined {
    const stamp = this.lastStamp;
    if (!stamp) return undefined;
    const records = this.tracker.interrupt(stamp);
    for (const record of records) this.options.onRecord?.(record);
    this.analyzer.resetReference();
    return { sequence: stamp.sequence, timeMs: stamp.timeMs, ongoing: [], transitions: transitionsOf(records) };
  }

  /** Replay: the device's sound starts being heard now (ffmpeg's start), not with the first frame. */
  startAudio(liveDir: string): void {
    this.audioFor(liveDir);
  }

  /** Settle the writes in flight, write the pending chunk entries, stop the audio checker. */
  async close(): Promise<void> {
    while (this.inFlight.length > 0) await this.settleOldest();
    await this.writes.attempt(this.options.chunksDir, this.chunks.pendingPath ?? this.options.chunksDir, () => this.chunks.flush());
    this.problems.flush();
    await this.audio?.close();
  }

  private async analyse(frame: PipelineFrame, late: boolean): Promise<FrameAnalysis> {
    if (late && this.last) {
      // Reused without reading the files: look whether the frame still exists at all (rotation may have taken it).
      const gone = !(await pathExists(frame.capturePath));
      return { ...this.last, sequence: frame.sequence, error: undefined, gone, sampled: true, performanceMs: 0 };
    }
    const loaded = await (frame.loading ?? loadFrame({ sequence: frame.sequence, capturePath: frame.capturePath, thumbnailPath: frame.thumbnailPath }));
    return this.analyzer.analyze(loaded, frame.sample === true);
  }

  private async writeFrameJson(metadataDir: string, record: Record<string, unknown>, sequence: number): Promise<void> {
    const write = this.writes
      .attempt(metadataDir, path.join(metadataDir, metadataFileName(sequence)), async () => {
        if (this.metadataReady !== metadataDir) {
          await fs.mkdir(metadataDir, { recursive: true });
          this.metadataReady = metadataDir;
        }
        const written = await (this.options.frameJson ?? inlineFrameJsonWriter).write(metadataDir, record, sequence);
        if (written.replacedCorrupt) this.options.onWarning?.(`[${this.options.device}] corrupt ${written.path} replaced`);
      })
      // Settled here so that a write failing while not yet awaited is no unhandled rejection.
      .then(
        (): Settled => undefined,
        (error: unknown): Settled => ({ error }),
      );
    this.inFlight.push(write);
    while (this.inFlight.length >= this.options.schedule.writesInFlight) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const settled = await this.inFlight.shift();
    if (settled) throw settled.error;
  }

  private async writeChunkEntry(record: Record<string, unknown>, timeMs: number): Promise<void> {
    const location = chunkFilePath(this.options.chunksDir, chunkLocation(timeMs));
    await this.writes.attempt(this.options.chunksDir, location, async () => {
      const wrote = await this.chunks.add(chunkEntryFromFrameRecord(record), timeMs);
      return this.options.schedule.flushChunksEachFrame ? await this.chunks.flush() : wrote;
    });
  }

  private audioFor(liveDir: string): DeviceAudio {
    if (this.audio?.liveDir === liveDir) return this.audio;
    // hot/ appeared (or went): the segments moved with the frames. The old checker's ffmpeg is killed in the background.
    void this.audio?.close();
    this.audio = new DeviceAudio({
      device: this.options.device,
      liveDir,
      fps: this.options.fps,
      vnc: this.options.vnc,
      checkAudio: this.options.checkAudio && this.options.settings.current.audio,
      mode: this.options.schedule.waitForAudio ? 'replay' : 'live',
      silenceDb: this.options.settings.current.silenceDb,
      zaps: this.options.zaps,
      logger: this.options.logger,
    });
    return this.audio;
  }
}

/** The frame's files in a live folder (`<liveDir>/captures/...`, `<liveDir>/thumbnails/...`). */
export function frameFilesIn(liveDir: string, sequence: number): { capturePath: string; thumbnailPath: string } {
  return {
    capturePath: path.join(liveDir, 'captures', captureFileName(sequence)),
    thumbnailPath: path.join(liveDir, 'thumbnails', thumbnailFileName(sequence)),
  };
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeviceAudio } from '../audio/device-audio.js';
import type { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { DetectorThresholds } from '../detectors/types.js';
import { EventTracker, type FrameStamp } from '../events/event-tracker.js';
import { INCIDENT_TYPES, type IncidentType } from '../events/types.js';
import { configureSharp } from '../frames/image-loader.js';
import { deviceFps, isVncDevice } from '../layout/device-fps.js';
import type { Logger } from '../logger.js';
import { WarningLimiter } from './warning-limiter.js';
import { isChunkFrame, metadataFileName, thumbnailFileName } from '../layout/frame-names.js';
import { ChunkWriter, chunkEntryFromFrameRecord, chunkFilePath, chunkLocation } from '../pipeline/chunk-writer.js';
import { errnoCode } from '../errors.js';
import { DeviceAnalyzer as FrameAnalyzer, type FrameAnalysis } from '../pipeline/frame-analyzer.js';
import { buildFrameRecord, writeFrameJson } from '../pipeline/frame-json.js';
import { loadFrame } from '../pipeline/frame-loader.js';
import { pathExists } from '../path-exists.js';
import type { CapturedFrame } from './capture-watcher.js';
import type { AnalyzeMode, AnalyzerFactory, DeviceAnalyzer, EventTransition, FrameOutcome } from './device-analyzer.js';

export interface PipelineAnalyzerOptions {
  fps?: number;
  thresholds?: Partial<DetectorThresholds>;
  macroblocks?: boolean;
  minEventMs?: number;
  /** quality field of active_captures.conf per device (VNC devices run at 2 fps). */
  quality?: (device: string) => string | undefined;
  onWarning?: (message: string) => void;
  /** false: --no-audio or no ffmpeg (audio unknown, never loss). */
  checkAudio?: boolean;
  /** The process's zap confirmation pool. */
  zaps?: ZapConfirmer;
  logger?: Logger;
}

const isIncidentType = (t: string): t is IncidentType => (INCIDENT_TYPES as readonly string[]).includes(t);

/**
 * The frame pipeline (issue 3) behind the live monitor's DeviceAnalyzer
 * contract, per device: the same analyzer, event tracker, per-frame JSON
 * and chunk files as `--replay`, on the live clock (the file's mtime).
 */
export function pipelineAnalyzerFactory(options: PipelineAnalyzerOptions): AnalyzerFactory {
  configureSharp();
  return (device, deviceDir) => new PipelineDeviceAnalyzer(device, deviceDir, options);
}

class PipelineDeviceAnalyzer implements DeviceAnalyzer {
  private readonly analyzer: FrameAnalyzer;
  private readonly tracker: EventTracker;
  private readonly chunks: ChunkWriter;
  private readonly chunksDir: string;
  private readonly writes: WriteFailures;
  private readonly badFrames: WarningLimiter;
  private readonly fps: number;
  /** The newest in-order analysis: a late frame reuses it (docs/design.md backlog rule) instead of disturbing the freeze ring. */
  private last: FrameAnalysis | undefined;
  /** The live metadata folder known to exist (it moves if hot/ appears). */
  private metadataReady: string | undefined;
  /** Audio and zap submission for the current live folder (recreated if hot/ appears). */
  private audio: DeviceAudio | undefined;

  constructor(
    private readonly device: string,
    deviceDir: string,
    private readonly options: PipelineAnalyzerOptions,
  ) {
    this.analyzer = new FrameAnalyzer({ thresholds: options.thresholds, macroblocks: options.macroblocks });
    this.tracker = new EventTracker(device, options.minEventMs);
    this.fps = deviceFps(device, options.quality?.(device), options.fps);
    this.chunksDir = path.join(deviceDir, 'metadata');
    this.writes = new WriteFailures(device, options.onWarning, options.logger);
    this.badFrames = new WarningLimiter((message) => options.onWarning?.(message));
    this.chunks = new ChunkWriter(this.chunksDir, {
      onCorrupt: (file, aside) => options.onWarning?.(`[${device}] corrupt chunk file ${file} set aside as ${path.basename(aside)}`),
    });
  }

  async analyze(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome> {
    const live = path.dirname(path.dirname(frame.path));
    const stamp: FrameStamp = { sequence: frame.sequence, timeMs: frame.mtimeMs };
    let analysis: FrameAnalysis;
    if (mode.late && this.last) {
      // Reused without reading the files: look whether the frame still exists at all (rotation may have taken it).
      const gone = !(await pathExists(frame.path));
      analysis = { ...this.last, sequence: frame.sequence, error: undefined, gone, sampled: true, performanceMs: 0 };
    } else {
      const loaded = await loadFrame({
        sequence: frame.sequence,
        capturePath: frame.path,
        thumbnailPath: path.join(live, 'thumbnails', thumbnailFileName(frame.sequence)),
      });
      analysis = await this.analyzer.analyze(loaded, mode.sample);
    }
    // One line naming the file, as --replay words it.
    if (analysis.error !== undefined) this.badFrames.warn(analysis.error, `[${this.device}] ${path.basename(frame.path)}: ${analysis.error}`);
    else this.badFrames.tick();
    const audio = this.audioFor(live);
    const transitions: EventTransition[] = [];
    let frameAudio = audio.carried();
    if (analysis.analyzed && !mode.late) {
      this.last = analysis;
      const heard = audio.frame(frame.sequence, stamp.timeMs, analysis.suppressesAudioLoss);
      frameAudio = heard.audio;
      const records = this.tracker.update(stamp, { ...analysis.verdicts, audio_loss: heard.audioLoss });
      audio.submitZaps(records);
      for (const r of records) {
        if (r.kind === 'event_started') {
          transitions.push({ kind: 'event_started', type: r.type, startMs: r.startMs, firstSequence: r.startSequence });
        } else if (r.kind === 'event_ended') {
          transitions.push({
            kind: 'event_ended',
            type: r.type,
            startMs: r.startMs,
            firstSequence: r.startSequence,
            endMs: r.endMs,
            lastSequence: r.lastSequence,
            durationMs: r.durationMs,
          });
        }
      }
    }
    const open = mode.late ? [] : this.tracker.openSequences(stamp);
    const ongoing = open
      .filter((o) => o.confirmed && isIncidentType(o.type))
      .map((o) => ({ type: o.type as IncidentType, startMs: o.startMs }));
    const outcome: FrameOutcome = { sequence: frame.sequence, timeMs: frame.mtimeMs, ongoing, transitions, performanceMs: analysis.performanceMs };
    // A frame whose files are gone (hot rotation got there first, under backlog) gets no per-frame JSON:
    // nothing would ever remove it from the metadata folder, whose frames the rotation has passed.
    if (analysis.gone) return outcome;
    const record = buildFrameRecord({ analysis, timeMs: stamp.timeMs, ongoing: open, audio: frameAudio, zapping: audio.zapping() });
    const metadata = path.join(live, 'metadata');
    // A metadata folder that cannot be written (read-only, disk full) loses the files, not the analysis:
    // events and incidents go on, and the failure is one line until writes succeed again.
    await this.writes.attempt(path.join(metadata, metadataFileName(frame.sequence)), async () => {
      if (this.metadataReady !== metadata) {
        await fs.mkdir(metadata, { recursive: true });
        this.metadataReady = metadata;
      }
      const written = await writeFrameJson(metadata, record, frame.sequence);
      if (written.replacedCorrupt) this.options.onWarning?.(`[${this.device}] corrupt ${written.path} replaced`);
    });
    if (isChunkFrame(frame.sequence, this.fps)) {
      const location = chunkFilePath(this.chunksDir, chunkLocation(stamp.timeMs));
      await this.writes.attempt(location, async () => {
        await this.chunks.add(chunkEntryFromFrameRecord(record), stamp.timeMs);
        // Live: nothing waits in memory for the next frame of the chunk.
        await this.chunks.flush();
      });
    }
    return outcome;
  }

  async close(): Promise<void> {
    await this.audio?.close();
    await this.chunks.flush();
  }

  private audioFor(live: string): DeviceAudio {
    if (this.audio?.liveDir === live) return this.audio;
    // hot/ appeared (or went): the segments moved with the frames. The old checker's ffmpeg is killed in the background.
    void this.audio?.close();
    this.audio = new DeviceAudio({
      device: this.device,
      liveDir: live,
      fps: this.fps,
      vnc: isVncDevice(this.device, this.options.quality?.(this.device)),
      checkAudio: this.options.checkAudio === true,
      zaps: this.options.zaps,
      logger: this.options.logger,
    });
    return this.audio;
  }
}

/**
 * A device's output writes (frame JSON, chunk files) that fail for a lasting
 * reason (EACCES, EROFS, ENOSPC): the first failure of a kind is one warning
 * naming the file, the following ones are counted, and the first success
 * after them is one line saying writes are back. Holds two scalars.
 */
class WriteFailures {
  private failing: string | undefined;
  private failed = 0;

  constructor(
    private readonly device: string,
    private readonly warn: ((message: string) => void) | undefined,
    private readonly logger: Logger | undefined,
  ) {}

  async attempt(file: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      const code = errnoCode(err);
      // Only filesystem refusals are an output problem; anything else is a bug and propagates.
      if (code === undefined) throw err;
      this.failed++;
      if (this.failing === code) {
        this.logger?.debug(`[${this.device}] cannot write ${file}: ${describeFsError(err, code)}`);
        return;
      }
      this.failing = code;
      this.warn?.(`[${this.device}] cannot write ${file}: ${describeFsError(err, code)}; analysis goes on without it (reported once until writes succeed)`);
      return;
    }
    if (this.failing !== undefined) {
      this.logger?.info(`[${this.device}] metadata writes succeed again (${this.failed} failed while ${this.failing})`);
      this.failing = undefined;
      this.failed = 0;
    }
  }
}

/** `EACCES: permission denied, open '/x/.tmp-123'` -> `permission denied (EACCES)`: the temp file's name says nothing. */
function describeFsError(err: unknown, code: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const what = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return `${what ?? message} (${code})`;
}

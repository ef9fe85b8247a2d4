import path from 'node:path';
import type { MissingProgramError } from '../errors.js';
import type { TrackerRecord } from '../events/event-tracker.js';
import { silentLogger, type Logger } from '../logger.js';
import { captureFileName } from '../layout/frame-names.js';
import { isoLocal } from '../layout/frame-time.js';
import type { FrameAudio } from '../pipeline/frame-json.js';
import { AudioTimeline, REPLAY_AUDIO_WAIT_MS, type LossUpdate } from './audio-timeline.js';
import { VNC_SEGMENT_SECONDS, SEGMENT_SECONDS } from './segment-files.js';
import type { ZapConfirmer, ZapFrameFields } from './zap-confirmer.js';
import { BannerMemory, zapJobFor } from './zap-jobs.js';
import { listenAroundGap, ZAP_AUDIO_WAIT_MS } from './zap-listen.js';

/** A frame's volume is the mean level of the last second of sound heard (volumedetect's mean_volume over one segment, as before). */
const FRAME_VOLUME_SPAN_MS = 1_000;
/** A frame's `audio` (sound or silence) is the level of the last 100 ms heard: the sound's state at that time, not a second's average. */
const FRAME_STATE_SPAN_MS = 100;

export interface DeviceAudioOptions {
  device: string;
  /** The device's live folder (hot/ when present): segments/, metadata/, captures/ are under it. */
  liveDir: string;
  fps: number;
  /** VNC devices write 4 s segments. */
  vnc: boolean;
  /** false: --no-audio, or ffmpeg is missing: audio stays unknown, never loss. */
  checkAudio: boolean;
  /** live: the audio lags the frames by a segment or two and no frame waits for it; replay: each frame waits for its own second. */
  mode: 'live' | 'replay';
  /** The device's silence level (dBFS); default SILENCE_DB. */
  silenceDb?: number;
  /** The process's zap confirmation pool (one per process); undefined: no zap checks. */
  zaps: ZapConfirmer | undefined;
  logger?: Logger;
  onUnavailable?: (err: MissingProgramError) => void;
}

/** One frame's audio: the audio_loss verdicts for the tracker (each on its own time) and the frame JSON's fields. */
export interface FrameAudioResult {
  lossUpdates: LossUpdate[];
  audio: FrameAudio;
}

/**
 * The audio side of one device, shared by live mode and --replay: the
 * AudioTimeline (one ffmpeg hearing every segment once), the zap candidates
 * of the event tracker paired with the banner and judged from the same
 * levels by the process's ZapConfirmer (which never makes the frame wait).
 */
export class DeviceAudio {
  private readonly timeline: AudioTimeline | undefined;
  private readonly banners = new BannerMemory();
  private readonly segmentSeconds: number;

  constructor(private readonly options: DeviceAudioOptions) {
    this.segmentSeconds = options.vnc ? VNC_SEGMENT_SECONDS : SEGMENT_SECONDS;
    if (options.checkAudio) {
      this.timeline = new AudioTimeline({
        device: options.device,
        segmentsDir: path.join(options.liveDir, 'segments'),
        fps: options.fps,
        segmentSeconds: this.segmentSeconds,
        mode: options.mode,
        silenceDb: options.silenceDb,
        logger: options.logger ?? silentLogger,
        onUnavailable: options.onUnavailable,
      });
    }
  }

  get liveDir(): string {
    return this.options.liveDir;
  }

  /** The timeline (tests, counters); undefined when audio is off. */
  get heard(): AudioTimeline | undefined {
    return this.timeline;
  }

  /** A settings reload. */
  setSilenceDb(db: number): void {
    this.timeline?.setSilenceDb(db);
  }

  /** Live: never waits for ffmpeg. `suppressed`: the frame is black or frozen. */
  frame(sequence: number, timeMs: number, suppressed: boolean): FrameAudioResult {
    if (!this.timeline) return { lossUpdates: [], audio: UNKNOWN };
    this.timeline.frame({ sequence, timeMs }, suppressed);
    return { lossUpdates: this.timeline.lossUpdates(timeMs), audio: this.fields(undefined) };
  }

  /** Replay: waits until the sound at this frame's time is known, so the verdicts are those of a live run without its lag. */
  async frameAndWait(sequence: number, timeMs: number, suppressed: boolean): Promise<FrameAudioResult> {
    if (!this.timeline) return { lossUpdates: [], audio: UNKNOWN };
    this.timeline.frame({ sequence, timeMs }, suppressed);
    await this.timeline.waitFor(timeMs);
    return { lossUpdates: this.timeline.lossUpdates(timeMs), audio: this.fields(timeMs) };
  }

  /** The last result, unchanged (a late or unanalysed frame). */
  carried(): FrameAudio {
    return this.fields(undefined);
  }

  /**
   * After the tracker's records of a frame: submit a zap check per candidate (all records first: see
   * BannerMemory). Settles when those checks are over: a replay awaits it, live never does.
   */
  async submitZaps(records: readonly TrackerRecord[]): Promise<void> {
    const zaps = this.options.zaps;
    if (!zaps) return;
    const checks: Promise<void>[] = [];
    const { liveDir } = this.options;
    const timeline = this.timeline;
    const waitMs = this.options.mode === 'replay' ? REPLAY_AUDIO_WAIT_MS : ZAP_AUDIO_WAIT_MS;
    for (const { candidate, bannerSeen } of this.banners.take(records)) {
      const evidence = [candidate.startSequence, candidate.endSequence].map((s) => path.join(liveDir, 'captures', captureFileName(s)));
      const startMs = candidate.endMs - candidate.durationMs;
      checks.push(
        zaps.submit(
          zapJobFor(candidate, {
            metadataDir: path.join(liveDir, 'metadata'),
            bannerSeen,
            evidence,
            listen: timeline ? (signal) => listenAroundGap(timeline, startMs, candidate.endMs, waitMs, signal) : undefined,
          }),
        ),
      );
    }
    await Promise.all(checks);
  }

  /** The zap data for this device's next frame JSON (the few frames after a result). */
  zapping(): ZapFrameFields | undefined {
    return this.options.zaps?.takeFrameFields(this.options.device);
  }

  /** Stops the device's ffmpeg and waits for it. */
  async close(): Promise<void> {
    await this.timeline?.close();
  }

  /** The frame JSON's audio fields: the last second heard before `atMs` (replay), or the newest second heard (live). */
  private fields(atMs: number | undefined): FrameAudio {
    const timeline = this.timeline;
    if (!timeline) return UNKNOWN;
    const covered = timeline.coveredUntil();
    if (covered === undefined || timeline.state === 'no_audio_stream') return UNKNOWN;
    const until = atMs === undefined ? covered : Math.min(atMs, covered);
    const mean = timeline.levels.meanDb(until - FRAME_VOLUME_SPAN_MS, until);
    const now = timeline.levels.meanDb(until - FRAME_STATE_SPAN_MS, until);
    if (mean === undefined || now === undefined) return UNKNOWN;
    const audio: FrameAudio = { audio: now >= timeline.silenceDb, meanVolumeDb: mean, checkTimestamp: isoLocal(until) };
    const segment = timeline.segmentFileAt(until);
    if (segment !== undefined) audio.segmentFile = segment;
    return audio;
  }
}

const UNKNOWN: FrameAudio = { audio: null };

import path from 'node:path';
import type { TrackerRecord } from '../events/event-tracker.js';
import { silentLogger, type Logger } from '../logger.js';
import { captureFileName } from '../layout/frame-names.js';
import type { FrameAudio } from '../pipeline/frame-json.js';
import { AudioChecker, type AudioFields } from './audio-checker.js';
import { VNC_SEGMENT_SECONDS, SEGMENT_SECONDS } from './segment-files.js';
import type { ZapConfirmer, ZapFrameFields } from './zap-confirmer.js';
import { BannerMemory, zapJobFor } from './zap-jobs.js';

export interface DeviceAudioOptions {
  device: string;
  /** The device's live folder (hot/ when present): segments/, metadata/, captures/ are under it. */
  liveDir: string;
  fps: number;
  /** VNC devices write 4 s segments. */
  vnc: boolean;
  /** false: --no-audio, or ffmpeg is missing: audio stays unknown, never loss. */
  checkAudio: boolean;
  /** The process's zap confirmation pool (one per process); undefined: no zap checks. */
  zaps: ZapConfirmer | undefined;
  logger?: Logger;
}

/** One frame's audio, as the event tracker and the frame JSON take it. */
export interface FrameAudioResult {
  /** The audio_loss verdict for the tracker (undefined: unknown, the state is left as it is). */
  audioLoss: boolean | undefined;
  audio: FrameAudio;
}

/**
 * The audio side of one device, shared by live mode and --replay so both
 * sample and confirm zaps alike: the AudioChecker on the frame clock, and
 * the zap candidates of the event tracker paired with the banner and sent
 * to the process's ZapConfirmer (which never makes the frame wait).
 */
export class DeviceAudio {
  private readonly checker: AudioChecker | undefined;
  private readonly banners = new BannerMemory();
  private readonly segmentSeconds: number;

  constructor(private readonly options: DeviceAudioOptions) {
    this.segmentSeconds = options.vnc ? VNC_SEGMENT_SECONDS : SEGMENT_SECONDS;
    if (options.checkAudio) {
      this.checker = new AudioChecker({
        device: options.device,
        segmentsDir: path.join(options.liveDir, 'segments'),
        fps: options.fps,
        segmentSeconds: this.segmentSeconds,
        logger: options.logger ?? silentLogger,
      });
    }
  }

  get liveDir(): string {
    return this.options.liveDir;
  }

  /** Live: never waits for ffmpeg (a check runs in the background). `suppressed`: the frame is black or frozen. */
  frame(sequence: number, timeMs: number, suppressed: boolean): FrameAudioResult {
    if (!this.checker) return UNKNOWN;
    return this.result(this.checker.onFrame(sequence, timeMs, suppressed));
  }

  /** Replay: waits for the check this frame started, so the samples fall where live's would. */
  async frameAndWait(sequence: number, timeMs: number, suppressed: boolean): Promise<FrameAudioResult> {
    if (!this.checker) return UNKNOWN;
    return this.result(await this.checker.onFrameAndWait(sequence, timeMs, suppressed));
  }

  /** The last result, unchanged (a late or unanalysed frame). */
  carried(): FrameAudio {
    return this.checker ? toFrameAudio(this.checker.current()) : UNKNOWN.audio;
  }

  /** After the tracker's records of a frame: submit a zap check per candidate (all records first: see BannerMemory). */
  submitZaps(records: readonly TrackerRecord[]): void {
    const zaps = this.options.zaps;
    if (!zaps) return;
    const { liveDir, fps } = this.options;
    for (const { candidate, bannerSeen } of this.banners.take(records)) {
      const evidence = [candidate.startSequence, candidate.endSequence].map((s) => path.join(liveDir, 'captures', captureFileName(s)));
      zaps.submit(
        zapJobFor(candidate, {
          segmentsDir: path.join(liveDir, 'segments'),
          metadataDir: path.join(liveDir, 'metadata'),
          fps,
          segmentSeconds: this.segmentSeconds,
          bannerSeen,
          evidence,
        }),
      );
    }
  }

  /** The zap data for this device's next frame JSON (the few frames after a result). */
  zapping(): ZapFrameFields | undefined {
    return this.options.zaps?.takeFrameFields(this.options.device);
  }

  /** Kills a running audio check and waits for it. */
  async close(): Promise<void> {
    await this.checker?.close();
  }

  private result(fields: AudioFields): FrameAudioResult {
    return { audioLoss: this.checker!.audioLoss(), audio: toFrameAudio(fields) };
  }
}

const UNKNOWN: FrameAudioResult = { audioLoss: undefined, audio: { audio: null } };

function toFrameAudio(f: AudioFields): FrameAudio {
  return { audio: f.audio, meanVolumeDb: f.mean_volume_db, checkTimestamp: f.audio_check_timestamp, segmentFile: f.audio_segment_file };
}

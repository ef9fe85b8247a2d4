import path from 'node:path';
import type { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { DeviceSettingsSource } from '../config/device-settings.js';
import { deviceFps, isVncDevice } from '../layout/device-fps.js';
import { thumbnailFileName } from '../layout/frame-names.js';
import { frameClockMs } from '../layout/frame-time.js';
import type { Logger } from '../logger.js';
import { DevicePipeline, LIVE_SCHEDULE } from '../pipeline/device-pipeline.js';
import type { FrameOutcome } from '../pipeline/frame-outcome.js';
import type { CapturedFrame } from './capture-watcher.js';

/**
 * The frame pipeline (pipeline/device-pipeline.ts, the same as --replay's)
 * as the live monitor drives it per device: a captured frame in, its outcome
 * (which events started, continue or ended) out, on the live clock (the
 * file's mtime) and the live schedule (nothing waits for audio, each write
 * is done before the next frame). The orchestration (watch, queue, drain,
 * incidents, evidence) sees only this, so a test can drive the service with
 * a scripted stand-in.
 */
export interface AnalyzeMode {
  /** The queue is backlogged: run blackscreen and freeze on every 5th frame only, reuse the last result in between. */
  sample: boolean;
  /**
   * Older than a frame already analysed (handed out newest-first under
   * backlog): write its per-frame JSON, but do not move the event tracker
   * back in time; its outcome is not applied to events or incidents.
   */
  late: boolean;
}

export interface LivePipeline {
  frame(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome>;
  /** The capture stalled: end the episodes open on the last frame (their transitions), start afresh after. */
  interrupt?(): FrameOutcome | undefined;
  close?(): Promise<void> | void;
}

export type LivePipelineFactory = (device: string, deviceDir: string) => LivePipeline;

export interface LivePipelineOptions {
  /** Per-device settings (config file + flags, swapped on SIGHUP). */
  settings: DeviceSettingsSource;
  /** quality field of active_captures.conf per device (VNC devices run at 2 fps). */
  quality?: (device: string) => string | undefined;
  onWarning?: (message: string) => void;
  onInfo?: (message: string) => void;
  /** false: --no-audio or no ffmpeg (audio unknown, never loss). */
  checkAudio?: boolean;
  /** The process's zap confirmation pool. */
  zaps?: ZapConfirmer;
  logger?: Logger;
}

export function livePipelineFactory(options: LivePipelineOptions): LivePipelineFactory {
  return (device, deviceDir) => {
    const quality = options.quality?.(device);
    const settings = options.settings.forDevice(device);
    const pipeline = new DevicePipeline({
      device,
      fps: deviceFps(device, quality, settings.current.fps),
      settings,
      vnc: isVncDevice(device, quality),
      chunksDir: path.join(deviceDir, 'metadata'),
      schedule: LIVE_SCHEDULE,
      checkAudio: options.checkAudio === true,
      zaps: options.zaps,
      logger: options.logger,
      onWarning: options.onWarning,
      onInfo: options.onInfo,
    });
    return {
      async frame(frame, mode) {
        // The watcher hands out `<live>/captures/capture_N.jpg`; hot/ may appear or go between frames.
        const liveDir = path.dirname(path.dirname(frame.path));
        const { outcome, analysis, bad } = await pipeline.frame({
          sequence: frame.sequence,
          timeMs: frameClockMs(frame.mtimeMs),
          ...(frame.steplessMs !== undefined ? { steplessMs: frameClockMs(frame.steplessMs) } : {}),
          liveDir,
          capturePath: frame.path,
          thumbnailPath: path.join(liveDir, 'thumbnails', thumbnailFileName(frame.sequence)),
          sample: mode.sample,
          late: mode.late,
        });
        // The picture's verdicts, for the status snapshot's badges (issue 23: never beside another frame's picture).
        const picture = analysis.analyzed && !mode.late ? { black: analysis.verdicts.blackscreen, frozen: analysis.verdicts.freeze } : undefined;
        return { ...outcome, bad, ...(picture ? { picture } : {}), ...(analysis.sampled ? { reused: true } : {}) };
      },
      interrupt: () => pipeline.interrupt(),
      close: () => pipeline.close(),
    };
  };
}

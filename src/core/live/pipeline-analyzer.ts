import path from 'node:path';
import type { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { DeviceSettingsSource } from '../config/device-settings.js';
import type { DetectorThresholds } from '../detectors/types.js';
import { deviceFps, isVncDevice } from '../layout/device-fps.js';
import { thumbnailFileName } from '../layout/frame-names.js';
import type { Logger } from '../logger.js';
import { DevicePipeline, sharedPipelineOptions, LIVE_SCHEDULE } from '../pipeline/device-pipeline.js';
import type { FrameOutcome } from '../pipeline/frame-outcome.js';
import type { CapturedFrame } from './capture-watcher.js';
import type { AnalyzeMode, AnalyzerFactory, LiveDeviceAnalyzer } from './device-analyzer.js';

export interface PipelineAnalyzerOptions {
  fps?: number;
  thresholds?: Partial<DetectorThresholds>;
  macroblocks?: boolean;
  minEventMs?: number;
  /** Per-device settings (config file + flags, swapped on SIGHUP); when given, they win over fps, thresholds, minEventMs and checkAudio. */
  settings?: DeviceSettingsSource;
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

/**
 * The frame pipeline (pipeline/device-pipeline.ts, the same as --replay's)
 * behind the live monitor's per-device contract, on the live clock (the
 * file's mtime) and the live schedule (nothing waits for audio, each write
 * is done before the next frame).
 */
export function pipelineAnalyzerFactory(options: PipelineAnalyzerOptions): AnalyzerFactory {
  return (device, deviceDir) => new PipelineDeviceAnalyzer(device, deviceDir, options);
}

class PipelineDeviceAnalyzer implements LiveDeviceAnalyzer {
  private readonly pipeline: DevicePipeline;

  constructor(device: string, deviceDir: string, options: PipelineAnalyzerOptions) {
    const quality = options.quality?.(device);
    const settings = options.settings?.forDevice(device);
    this.pipeline = new DevicePipeline({
      device,
      fps: deviceFps(device, quality, settings?.current.fps ?? options.fps),
      settings,
      vnc: isVncDevice(device, quality),
      chunksDir: path.join(deviceDir, 'metadata'),
      schedule: LIVE_SCHEDULE,
      ...sharedPipelineOptions(options),
    });
  }

  async analyze(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome> {
    // The watcher hands out `<live>/captures/capture_N.jpg`; hot/ may appear or go between frames.
    const liveDir = path.dirname(path.dirname(frame.path));
    const { outcome, bad } = await this.pipeline.frame({
      sequence: frame.sequence,
      timeMs: frame.mtimeMs,
      liveDir,
      capturePath: frame.path,
      thumbnailPath: path.join(liveDir, 'thumbnails', thumbnailFileName(frame.sequence)),
      sample: mode.sample,
      late: mode.late,
    });
    return { ...outcome, bad };
  }

  interrupt(): FrameOutcome | undefined {
    return this.pipeline.interrupt();
  }

  async close(): Promise<void> {
    await this.pipeline.close();
  }
}

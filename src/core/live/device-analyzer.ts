import type { FrameOutcome } from '../pipeline/frame-outcome.js';
import type { CapturedFrame } from './capture-watcher.js';

/**
 * What the live monitor needs per device: analyse one frame and say which
 * events started, continue or ended with it. The frame pipeline is adapted to
 * this in one place (pipeline-analyzer.ts), so the orchestration (watch,
 * queue, drain, incidents, evidence) does not depend on its internals, and a
 * test can drive the service with a scripted stand-in.
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

export interface LiveDeviceAnalyzer {
  analyze(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome>;
  /** The capture stalled: end the episodes open on the last frame (their transitions), start afresh after. */
  interrupt?(): FrameOutcome | undefined;
  close?(): Promise<void> | void;
}

export type AnalyzerFactory = (device: string, deviceDir: string) => LiveDeviceAnalyzer;

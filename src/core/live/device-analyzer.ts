import type { IncidentType } from '../events/types.js';
import type { SweepResult } from '../cache/sweeper-registry.js';
import type { CapturedFrame } from './capture-watcher.js';

/**
 * What the live monitor needs from the frame pipeline, per device: analyse
 * one frame (detectors, per-frame JSON, the event tracker) and say which
 * events started, continue or ended with it. The pipeline's analyzer is
 * adapted to this in one place, so the orchestration (watch, queue, drain,
 * incidents, evidence) does not depend on its internals.
 */
export interface EventTransition {
  kind: 'event_started' | 'event_ended';
  type: IncidentType;
  /** Frame-clock time of the event's first frame. */
  startMs: number;
  firstSequence: number;
  /** On event_ended: the last detecting frame and the duration on the frame clock. */
  endMs?: number;
  lastSequence?: number;
  durationMs?: number;
}

export interface FrameOutcome {
  sequence: number;
  /** The frame's time (its mtime in live mode). */
  timeMs: number;
  /** Events still detected at this frame, with their start (for --incident-delay). */
  ongoing: { type: IncidentType; startMs: number }[];
  transitions: EventTransition[];
  /** How long the analysis took (wall clock), for the per-frame log. */
  performanceMs?: number;
  /** The frame could not be decoded (truncated, not a JPEG): counted as bad in the status snapshot. */
  bad?: boolean;
}

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

export interface DeviceAnalyzer {
  analyze(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome>;
  /** Drop whatever aged out (the sweeper calls it every --sweep-interval). */
  sweep?(now: number): SweepResult;
  close?(): Promise<void> | void;
}

export type AnalyzerFactory = (device: string, deviceDir: string) => DeviceAnalyzer;

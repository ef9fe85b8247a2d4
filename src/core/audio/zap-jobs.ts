import { captureName } from '../live/capture-files.js';
import type { ZapJob } from './zap-confirmer.js';

/** A run of frames: first and last detecting sequence. */
export interface SequenceSpan {
  startSequence: number;
  lastSequence: number;
}

/** An ended blackscreen/freeze run short enough to be a zap (the pipeline's `zap_candidate` record). */
export interface ZapCandidateSpan extends SequenceSpan {
  type: 'blackscreen' | 'freeze';
  device: string;
  /** The first clear frame: the frame that ended the event. */
  endSequence: number;
  endMs: number;
  durationMs: number;
}

/** Whether the banner run (the zap detector's latest run) overlapped the candidate. */
export function bannerSeenDuring(candidate: SequenceSpan, banner: SequenceSpan | undefined): boolean {
  if (!banner) return false;
  return banner.startSequence <= candidate.lastSequence && banner.lastSequence >= candidate.startSequence;
}

export interface ZapJobContext {
  segmentsDir: string;
  metadataDir: string;
  fps: number;
  segmentSeconds?: number;
  bannerSeen: boolean;
  evidence?: string[];
}

/** The check the ZapConfirmer runs for one candidate. */
export function zapJobFor(candidate: ZapCandidateSpan, context: ZapJobContext): ZapJob {
  return {
    device: candidate.device,
    segmentsDir: context.segmentsDir,
    metadataDir: context.metadataDir,
    eventType: candidate.type,
    startFrame: captureName(candidate.startSequence),
    endFrame: captureName(candidate.endSequence),
    firstSequence: candidate.startSequence,
    lastSequence: candidate.lastSequence,
    endMs: candidate.endMs,
    durationMs: candidate.durationMs,
    bannerSeen: context.bannerSeen,
    evidence: context.evidence ?? [],
    fps: context.fps,
    segmentSeconds: context.segmentSeconds,
  };
}

import { captureFileName } from '../layout/frame-names.js';
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

/** The fields this module reads from the pipeline's tracker records (`zap`, `zap_candidate`, others ignored). */
export interface TrackerRecordLike {
  kind: string;
  startSequence: number;
  lastSequence?: number;
}

const isCandidate = (r: TrackerRecordLike): r is TrackerRecordLike & ZapCandidateSpan => r.kind === 'zap_candidate';
const isBannerRun = (r: TrackerRecordLike): r is TrackerRecordLike & SequenceSpan => r.kind === 'zap' && r.lastSequence !== undefined;

/**
 * Per device: the latest banner run, to pair each zap candidate with it.
 * The tracker reports records of one frame in type order, blackscreen before
 * zap, so the banner run that ends with the black comes AFTER its candidate:
 * all of a frame's records are looked at before pairing.
 */
export class BannerMemory {
  private last: SequenceSpan | undefined;

  take(records: readonly TrackerRecordLike[]): { candidate: ZapCandidateSpan; bannerSeen: boolean }[] {
    for (const r of records) if (isBannerRun(r)) this.last = { startSequence: r.startSequence, lastSequence: r.lastSequence };
    return records.filter(isCandidate).map((candidate) => ({ candidate, bannerSeen: bannerSeenDuring(candidate, this.last) }));
  }
}

export interface ZapJobContext {
  metadataDir: string;
  bannerSeen: boolean;
  evidence?: string[];
  /** Judges the audio around the gap (undefined: audio is off, the banner alone decides). */
  listen: ZapJob['listen'];
}

/** The check the ZapConfirmer runs for one candidate. */
export function zapJobFor(candidate: ZapCandidateSpan, context: ZapJobContext): ZapJob {
  return {
    device: candidate.device,
    metadataDir: context.metadataDir,
    eventType: candidate.type,
    startFrame: captureFileName(candidate.startSequence),
    endFrame: captureFileName(candidate.endSequence),
    firstSequence: candidate.startSequence,
    lastSequence: candidate.lastSequence,
    endMs: candidate.endMs,
    durationMs: candidate.durationMs,
    bannerSeen: context.bannerSeen,
    evidence: context.evidence ?? [],
    listen: context.listen,
  };
}

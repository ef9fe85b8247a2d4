import { captureFileName } from '../layout/frame-names.js';
import type { FrameAnalysis } from './frame-analyzer.js';
import { WarningLimiter } from './warning-limiter.js';

/**
 * The error policy for a device's frames, the same live and in --replay:
 * - a bad frame (nothing decodable, a broken thumbnail) is one warning
 *   naming its file, at most BAD_FRAME_WARNINGS_PER_WINDOW a minute per kind
 *   (WarningLimiter), and counts as bad;
 * - a frame with no thumbnail whose capture was analysed instead is not bad:
 *   it is counted, and said once when thumbnails stop and once when they
 *   come back (a device whose thumbnail output stopped would otherwise be a
 *   warning per frame while every frame is analysed).
 * Holds the limiter's bounded kinds and three scalars.
 */
export class FrameProblems {
  private readonly limiter: WarningLimiter;
  private missingSince: number | undefined;
  private missingRun = 0;
  private missingTotal = 0;
  private badTotal = 0;

  constructor(
    private readonly device: string,
    private readonly warn: (message: string) => void,
    private readonly info: (message: string) => void,
  ) {
    this.limiter = new WarningLimiter(warn);
  }

  /** Frames analysed from the capture because their thumbnail was missing. */
  get withoutThumbnail(): number {
    return this.missingTotal;
  }

  /** Frames with a problem (see FrameAnalysis.error) other than a missing thumbnail. */
  get bad(): number {
    return this.badTotal;
  }

  /** One frame's analysis; returns whether it counts as a bad frame. */
  observe(analysis: FrameAnalysis): boolean {
    if (thumbnailMissingOnly(analysis)) {
      this.limiter.tick();
      this.missingTotal++;
      this.missingRun++;
      if (this.missingSince === undefined) {
        this.missingSince = analysis.sequence;
        this.warn(
          `[${this.device}] no thumbnail from ${captureFileName(analysis.sequence)} on: analysing the captures instead (said once until thumbnails are back)`,
        );
      }
      return false;
    }
    if (this.missingSince !== undefined && analysis.source === 'thumbnail') {
      this.info(`[${this.device}] thumbnails back at ${captureFileName(analysis.sequence)} (${this.missingRun} frames analysed from the capture)`);
      this.missingSince = undefined;
      this.missingRun = 0;
    }
    if (analysis.error === undefined) {
      this.limiter.tick();
      return false;
    }
    this.badTotal++;
    this.limiter.warn(analysis.error, `[${this.device}] ${captureFileName(analysis.sequence)}: ${analysis.error}`);
    return true;
  }

  /** The device stops: bad-frame lines still held back are summed up now. */
  flush(): void {
    this.limiter.flush();
  }
}

/**
 * The loader's wording for "no thumbnail file, the capture was decoded
 * instead" (frame-loader.ts: `thumbnail missing: analysed the capture instead`).
 */
function thumbnailMissingOnly(analysis: FrameAnalysis): boolean {
  return analysis.analyzed && analysis.source === 'capture' && analysis.error?.startsWith('thumbnail missing:') === true;
}

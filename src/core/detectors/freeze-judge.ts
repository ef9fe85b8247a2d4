import { CAPTURE_SIZE } from '../frames/frame-size.js';
import { detectFreeze, FREEZE_MIN_COMPARISONS, FREEZE_PIXEL_DIFF } from './freeze.js';
import { maskedPercent, type MaskPlan, type Rect } from './mask.js';
import { findMotion, MotionScratch } from './motion.js';
import { NOISE_HISTOGRAM_BINS, noiseThreshold, pairNoise } from './pair-noise.js';
import type { GrayFrame } from '../frames/gray-frame.js';
import type { DetectorThresholds, FreezeResult, FreezeRule } from './types.js';

/**
 * Default --motion-min-area, in capture pixels: two frames differ when a
 * one-signed region of changed pixels covers at least this much (16
 * thumbnail pixels). The largest region a still gives on the generated
 * captures is 9 thumbnail pixels (MJPEG at quality 24), 3 for sensor noise
 * and x264 keyframes; the dark low-contrast scene's moving edges give 15-135.
 * Thin high-contrast motion (a ticker, a spinner's arc) counts through the
 * strength clause (motion.ts) even when it is smaller.
 */
export const MOTION_MIN_AREA = 256;
export const DEFAULT_FREEZE_RULE: FreezeRule = 'motion';

/** What a device's freeze verdict depends on (a slice of its settings). */
export interface FreezeSettings {
  freezeRule: FreezeRule;
  /** Capture pixels. */
  motionMinArea: number;
  masks: readonly Rect[];
  thresholds: Partial<DetectorThresholds>;
}

/**
 * The freeze verdict of one device: the rule its settings name. The motion
 * rule carries no state from frame to frame (its noise is measured on the
 * pair it judges), only scratch buffers; the frames to compare come from the
 * device's FreezeRing.
 */
export class FreezeJudge {
  private readonly histogram = new Uint32Array(NOISE_HISTOGRAM_BINS);
  private readonly scratch = new MotionScratch();

  detect(current: GrayFrame, previous: readonly GrayFrame[], settings: FreezeSettings, mask?: MaskPlan): FreezeResult {
    const plan = mask && mask.width === current.width && mask.height === current.height ? mask : undefined;
    const hidden = maskedPercent(plan);
    if (settings.freezeRule === 'seed') {
      return { ...detectFreeze(current, previous, settings.thresholds, plan), rule: 'seed', maskedPercent: hidden };
    }
    const pixels = current.width * current.height - (plan?.maskedPixels ?? 0);
    const pixelDiff = settings.thresholds.freezePixelDiff ?? FREEZE_PIXEL_DIFF;
    // Capture pixels per frame pixel (16 on the thumbnail): the minimum area is the operator's, in capture pixels.
    const scale = (CAPTURE_SIZE.width * CAPTURE_SIZE.height) / (current.width * current.height);
    const minArea = Math.max(1, settings.motionMinArea / scale);
    // The noise of the newest pair sets the threshold of this frame's comparisons: measured now, forgotten after.
    const newest = previous[0];
    const noise = newest !== undefined && sameSize(newest, current) ? pairNoise(current, newest, this.histogram, plan) : 0;
    const threshold = noiseThreshold(pixelDiff, noise);
    const diffs: number[] = [];
    const changedAreas: number[] = [];
    let allSame = true;
    for (const prev of previous) {
      const moved = sameSize(prev, current) ? findMotion(current, prev, threshold, minArea, this.scratch, plan) : true;
      const area = sameSize(prev, current) ? this.scratch.largest : pixels;
      diffs.push(pixels > 0 ? (area * 100) / pixels : 0);
      changedAreas.push(Math.round(area * scale));
      // One comparison with motion settles it: frozen needs every comparison the same.
      if (moved) {
        allSame = false;
        break;
      }
    }
    return {
      detected: allSame && diffs.length >= FREEZE_MIN_COMPARISONS,
      diffs,
      rule: 'motion',
      changedAreas,
      noiseFloor: noise,
      pixelThreshold: threshold,
      maskedPercent: hidden,
    };
  }
}

function sameSize(a: GrayFrame, b: GrayFrame): boolean {
  return a.width === b.width && a.height === b.height;
}

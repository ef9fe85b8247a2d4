import { CAPTURE_SIZE } from '../frames/frame-size.js';
import { detectFreeze, FREEZE_EARLY_EXIT_PERCENT, FREEZE_MIN_COMPARISONS, FREEZE_PIXEL_DIFF } from './freeze.js';
import { maskedPercent, type MaskPlan, type Rect } from './mask.js';
import { changedArea } from './motion.js';
import { NoiseFloor } from './noise-floor.js';
import type { GrayFrame } from '../frames/gray-frame.js';
import type { DetectorThresholds, FreezeResult, FreezeRule } from './types.js';

/**
 * Default --motion-min-area, in capture pixels: two frames differ when at
 * least this much changed area is left once specks are dropped. 128 capture
 * pixels are 8 thumbnail pixels: a ball of 20 px moving a few pixels, a
 * spinner's arc, the 2 rows a wipe advances (a whole thumbnail row every
 * other frame) all change far more; grain above the noise floor does not
 * gather into that many blocks.
 */
export const MOTION_MIN_AREA = 128;
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
 * The freeze verdict of one device: the rule its settings name, with the
 * state the motion rule needs (the noise floor: one number and a small
 * histogram). The frames to compare come from the device's FreezeRing.
 */
export class FreezeJudge {
  private readonly noise = new NoiseFloor();

  /** Current noise floor (sigma of a frame difference, levels). */
  get noiseFloor(): number {
    return this.noise.value;
  }

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
    // Past this much change the answer is known: stop counting (a moving picture costs a fraction of a frame).
    const earlyExit = (pixels * (settings.thresholds.freezeEarlyExitPercent ?? FREEZE_EARLY_EXIT_PERCENT)) / 100;
    const stopAt = Math.max(minArea, earlyExit);
    let threshold = this.noise.threshold(pixelDiff);
    const diffs: number[] = [];
    const changedAreas: number[] = [];
    let allSame = true;
    for (const [k, prev] of previous.entries()) {
      const same = sameSize(prev, current);
      let area = same ? changedArea(current, prev, threshold, stopAt, plan) : pixels;
      if (k === 0 && same && area < earlyExit) {
        // Not a moving picture: the newest pair measures the noise (a moving one would only blur the floor, and skipping it keeps the early exit cheap).
        this.noise.measure(current, prev, plan);
        const updated = this.noise.threshold(pixelDiff);
        // The floor moved the threshold (the first frames of a device): judge this pair again with it.
        if (updated !== threshold) {
          threshold = updated;
          if (area >= minArea) area = changedArea(current, prev, threshold, stopAt, plan);
        }
      }
      diffs.push(pixels > 0 ? (area * 100) / pixels : 0);
      changedAreas.push(Math.round(area * scale));
      // One comparison with motion settles it: frozen needs every comparison the same.
      if (area >= minArea) {
        allSame = false;
        break;
      }
    }
    return {
      detected: allSame && diffs.length >= FREEZE_MIN_COMPARISONS,
      diffs,
      rule: 'motion',
      changedAreas,
      noiseFloor: this.noise.value,
      pixelThreshold: threshold,
      maskedPercent: hidden,
    };
  }
}

function sameSize(a: GrayFrame, b: GrayFrame): boolean {
  return a.width === b.width && a.height === b.height;
}

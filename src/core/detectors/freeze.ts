import type { GrayFrame } from '../frames/gray-frame.js';
import type { MaskPlan } from './mask.js';
import type { DetectorThresholds, FreezeResult } from './types.js';

/** A pixel differs when |a-b| is strictly above this (compression noise stays under it). */
export const FREEZE_PIXEL_DIFF = 10;
/** A comparison is "same" when strictly under this % of pixels differ. */
export const FREEZE_SAME_PERCENT = 2.0;
/** Once one comparison exceeds this %, the picture is moving: stop comparing. */
export const FREEZE_EARLY_EXIT_PERCENT = 5;
/** Frozen needs at least this many comparisons, all "same" (one equal pair proves little). */
export const FREEZE_MIN_COMPARISONS = 2;
/** A previous frame of another size is a comparison in which every pixel differs. */
export const FREEZE_SIZE_MISMATCH_PERCENT = 100;

/** Share of pixels differing by more than `pixelDiff`, 0-100, of the unmasked ones. Frames must have the same size. */
export function diffPercent(a: GrayFrame, b: GrayFrame, pixelDiff: number, mask?: MaskPlan): number {
  const x = a.data;
  const y = b.data;
  const n = a.width * a.height;
  if (mask !== undefined) return maskedDiffPercent(a, b, pixelDiff, mask);
  if (n === 0) return 0;
  // Branch-free, the hottest loop of the monitor: pixel values are integers, so |d| > pixelDiff
  // exactly when |d| > floor(pixelDiff), and (limit - |d|) is negative (sign bit 1) exactly then.
  const limit = Math.floor(pixelDiff) | 0;
  let differing = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    const sign = d >> 31;
    differing += (limit - ((d ^ sign) - sign)) >>> 31;
  }
  return (differing * 100) / n;
}

function maskedDiffPercent(a: GrayFrame, b: GrayFrame, pixelDiff: number, mask: MaskPlan): number {
  const n = a.width * a.height - mask.maskedPixels;
  if (n <= 0) return 0;
  let differing = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (mask.masked[i] === 1) continue;
    const d = a.data[i]! - b.data[i]!;
    if ((d < 0 ? -d : d) > pixelDiff) differing++;
  }
  return (differing * 100) / n;
}

/**
 * Freeze: compare the current thumbnail with up to 3 previous ones of the
 * same device (newest first, as FreezeRing.previous() gives them). `diffs`
 * holds the comparisons actually made, so an early exit shows as a short list.
 */
export function detectFreeze(current: GrayFrame, previous: readonly GrayFrame[], t?: Partial<DetectorThresholds>, mask?: MaskPlan): FreezeResult {
  const pixelDiff = t?.freezePixelDiff ?? FREEZE_PIXEL_DIFF;
  const samePercent = t?.freezeSamePercent ?? FREEZE_SAME_PERCENT;
  const earlyExitPercent = t?.freezeEarlyExitPercent ?? FREEZE_EARLY_EXIT_PERCENT;
  const diffs: number[] = [];
  let allSame = true;
  for (const prev of previous) {
    const sameSize = prev.width === current.width && prev.height === current.height;
    const diff = sameSize ? diffPercent(current, prev, pixelDiff, mask) : FREEZE_SIZE_MISMATCH_PERCENT;
    diffs.push(diff);
    if (!(diff < samePercent)) allSame = false;
    if (diff > earlyExitPercent) break;
  }
  return { detected: allSame && diffs.length >= FREEZE_MIN_COMPARISONS, diffs };
}

/**
 * Which frames an incident clip shows: CLIP_BEFORE_S seconds before the
 * frame it centres on to CLIP_AFTER_S after, at about CLIP_FPS (every
 * frame of a 5 fps capture; every 5th of a 25 fps one), so a clip is at most
 * CLIP_MAX_FRAMES frames whatever the device's rate. Pure: the caller finds
 * the files.
 */
export const CLIP_BEFORE_S = 10;
export const CLIP_AFTER_S = 10;
/** The clip's frame rate at most: the farm's capture rate, enough to see a picture freeze or go black. */
export const CLIP_FPS = 5;
export const CLIP_MAX_FRAMES = (CLIP_BEFORE_S + CLIP_AFTER_S) * CLIP_FPS;

export interface ClipWindow {
  sequences: number[];
  /** The rate the clip plays at, so it runs in real time. */
  fps: number;
}

export function clipWindow(centre: number, deviceFps: number): ClipWindow {
  const step = Math.max(1, Math.round(deviceFps / CLIP_FPS));
  const first = Math.max(0, centre - Math.round(CLIP_BEFORE_S * deviceFps));
  const last = centre + Math.round(CLIP_AFTER_S * deviceFps);
  const sequences: number[] = [];
  for (let s = first; s <= last && sequences.length < CLIP_MAX_FRAMES; s += step) sequences.push(s);
  return { sequences, fps: deviceFps / step };
}

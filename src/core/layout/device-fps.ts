/**
 * Frame rate of a device when --fps is not given. The farm's HDMI grabbers
 * capture at 5 fps; VNC devices (remote desktops, phones through VNC) at 2 fps.
 */
export const DEFAULT_FPS = 5;
export const VNC_FPS = 2;

/**
 * How a VNC device is recognised, in this order: the quality field of its
 * active_captures.conf line says `vnc` (the capture script writes the source
 * kind there for VNC captures), or its folder name contains `vnc`
 * (e.g. `capture_vnc1`). Case does not matter.
 */
export function isVncDevice(name: string, quality?: string): boolean {
  if (quality !== undefined && /vnc/i.test(quality)) return true;
  return /vnc/i.test(name);
}

/** --fps wins; otherwise the device kind decides. */
export function deviceFps(name: string, quality: string | undefined, override: number | undefined): number {
  if (override !== undefined) return override;
  return isVncDevice(name, quality) ? VNC_FPS : DEFAULT_FPS;
}

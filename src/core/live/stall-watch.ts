import type { StallType } from '../events/types.js';

/** `--stall-after`: no new capture frame (or audio segment) for this long is a stall. VNC's 2 fps fits easily. */
export const DEFAULT_STALL_AFTER_MS = 10_000;
/** How often the live monitor asks the watch (wall clock). */
export const STALL_CHECK_INTERVAL_MS = 1_000;
/**
 * Between two checks the wall clock and the monotonic clock may disagree by
 * this much before it counts as a jump (suspend/resume, NTP step, the VM
 * paused): timer slack and a busy event loop stay well under it.
 */
export const CLOCK_JUMP_TOLERANCE_MS = 2_000;

export interface StallWatchDevice {
  name: string;
  stallAfterMs: number;
}

export interface StallWatchOptions {
  devices: readonly StallWatchDevice[];
  /** Wall clock (ms): stall starts and ends are reported on it. */
  now: () => number;
  /** A clock that never jumps (performance.now()); only its deltas are used. */
  monotonic: () => number;
}

export type StallRecord =
  | { kind: 'stall_started'; device: string; type: StallType; startMs: number }
  | { kind: 'stall_ended'; device: string; type: StallType; startMs: number; endMs: number }
  | { kind: 'clock_jump'; jumpMs: number };

interface Watched {
  stallAfterMs: number;
  /** Wall time of the last frame, or the monitor's start before the first one. */
  lastFrameMs: number;
  /** Wall time of the last new segment; undefined until one was seen (a device without audio never stalls its audio). */
  lastSegmentMs: number | undefined;
  stalled: Map<StallType, number>;
}

/**
 * Stalls on the wall clock, since the frame clock stops with the frames: a
 * device with no new frame for its stall time is `capture_stalled` (start:
 * its last frame, or the monitor's start if it never sent one); a device
 * whose audio segments stop while frames go on is `segments_stalled`. The
 * next frame or segment ends the stall. A clock jump between two checks
 * (wall and monotonic deltas disagree) restarts every timer instead of
 * reporting the jump as a stall. Fixed size: one entry per device.
 */
export class StallWatch {
  private readonly devices = new Map<string, Watched>();
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private lastWall: number;
  private lastMono: number;

  constructor(options: StallWatchOptions) {
    this.now = options.now;
    this.monotonic = options.monotonic;
    this.lastWall = this.now();
    this.lastMono = this.monotonic();
    for (const d of options.devices) {
      this.devices.set(d.name, { stallAfterMs: d.stallAfterMs, lastFrameMs: this.lastWall, lastSegmentMs: undefined, stalled: new Map() });
    }
  }

  /** A new capture frame of this device arrived. */
  frameSeen(device: string): StallRecord[] {
    const w = this.devices.get(device);
    if (!w) return [];
    w.lastFrameMs = this.now();
    return this.end(device, w, 'capture_stalled', w.lastFrameMs);
  }

  /** A new audio segment of this device appeared. */
  segmentSeen(device: string): StallRecord[] {
    const w = this.devices.get(device);
    if (!w) return [];
    w.lastSegmentMs = this.now();
    return this.end(device, w, 'segments_stalled', w.lastSegmentMs);
  }

  /** Run every STALL_CHECK_INTERVAL_MS: new stalls, or a clock jump (which opens nothing). */
  check(): StallRecord[] {
    const wall = this.now();
    const mono = this.monotonic();
    const jumpMs = wall - this.lastWall - (mono - this.lastMono);
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(jumpMs) > CLOCK_JUMP_TOLERANCE_MS) {
      for (const w of this.devices.values()) {
        w.lastFrameMs = wall;
        if (w.lastSegmentMs !== undefined) w.lastSegmentMs = wall;
      }
      return [{ kind: 'clock_jump', jumpMs: Math.round(jumpMs) }];
    }
    const records: StallRecord[] = [];
    for (const [device, w] of this.devices) {
      if (!w.stalled.has('capture_stalled') && wall - w.lastFrameMs >= w.stallAfterMs) {
        w.stalled.set('capture_stalled', w.lastFrameMs);
        records.push({ kind: 'stall_started', device, type: 'capture_stalled', startMs: w.lastFrameMs });
      }
      // Audio that stops together with the picture is the capture's stall, not a second one.
      const framesFlowing = !w.stalled.has('capture_stalled');
      if (framesFlowing && w.lastSegmentMs !== undefined && !w.stalled.has('segments_stalled') && wall - w.lastSegmentMs >= w.stallAfterMs) {
        w.stalled.set('segments_stalled', w.lastSegmentMs);
        records.push({ kind: 'stall_started', device, type: 'segments_stalled', startMs: w.lastSegmentMs });
      }
    }
    return records;
  }

  /** The stalls open now on this device, with their start. */
  ongoing(device: string): { type: StallType; startMs: number }[] {
    return [...(this.devices.get(device)?.stalled ?? [])].map(([type, startMs]) => ({ type, startMs }));
  }

  isStalled(device: string, type: StallType): boolean {
    return this.devices.get(device)?.stalled.has(type) ?? false;
  }

  private end(device: string, w: Watched, type: StallType, endMs: number): StallRecord[] {
    const startMs = w.stalled.get(type);
    if (startMs === undefined) return [];
    w.stalled.delete(type);
    return [{ kind: 'stall_ended', device, type, startMs, endMs }];
  }
}

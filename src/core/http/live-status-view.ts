import type { MonitorEvent } from '../live/monitor-events.js';

/** Measured fps covers this many seconds (one bucket per second, per device: a fixed array). */
export const FPS_WINDOW_S = 60;

export type DeviceCondition = 'black' | 'frozen' | 'audio_loss' | 'stalled';
const CONDITION_OF: Record<string, DeviceCondition> = { blackscreen: 'black', freeze: 'frozen', audio_loss: 'audio_loss', capture_stalled: 'stalled' };

export interface DeviceView {
  device: string;
  lastSequence: number | null;
  /** Wall clock (ms) when the last frame was analysed. */
  lastFrameAt: number | null;
  /** The last frame's own time (frame clock, ISO). */
  lastFrameTime: string | null;
  fps: number;
  analysed: number;
  dropped: number;
  bad: number;
  states: Record<DeviceCondition, boolean>;
}

/** What the page, the JSON API and /metrics read about the devices right now. */
export interface DeviceStatusSource {
  devices(now: number): DeviceView[];
}

interface DeviceCounters extends Omit<DeviceView, 'fps' | 'states'> {
  states: Set<DeviceCondition>;
  buckets: Uint16Array;
  bucketSecond: Int32Array;
}

/**
 * Device state kept from the monitor's own events: one fixed-size record per
 * monitored device (the device list is fixed at start, so this cannot grow).
 */
export class LiveStatusView implements DeviceStatusSource {
  private readonly byDevice = new Map<string, DeviceCounters>();

  constructor(devices: readonly string[]) {
    for (const device of devices) {
      this.byDevice.set(device, {
        device,
        lastSequence: null,
        lastFrameAt: null,
        lastFrameTime: null,
        analysed: 0,
        dropped: 0,
        bad: 0,
        states: new Set(),
        buckets: new Uint16Array(FPS_WINDOW_S),
        bucketSecond: new Int32Array(FPS_WINDOW_S).fill(-1),
      });
    }
  }

  /** Feed one monitor event; `now` is the wall clock. */
  observe(event: MonitorEvent, now: number): void {
    const d = 'device' in event && event.device ? this.byDevice.get(event.device) : undefined;
    if (!d) return;
    switch (event.event) {
      case 'frame': {
        d.analysed++;
        if (!event.late) {
          d.lastSequence = event.sequence;
          d.lastFrameAt = now;
          d.lastFrameTime = event.ts;
        }
        const second = Math.floor(now / 1000);
        const slot = second % FPS_WINDOW_S;
        if (d.bucketSecond[slot] !== second) {
          d.bucketSecond[slot] = second;
          d.buckets[slot] = 0;
        }
        d.buckets[slot] = Math.min(65_535, d.buckets[slot]! + 1);
        break;
      }
      case 'dropped':
        d.dropped = event.total;
        break;
      case 'event_started':
      case 'event_ended': {
        const condition = CONDITION_OF[event.type];
        if (!condition) break;
        if (event.event === 'event_started') d.states.add(condition);
        else d.states.delete(condition);
        break;
      }
      default:
        break;
    }
  }

  /** A frame the analysis could not read (counted as bad). */
  frameFailed(device: string): void {
    const d = this.byDevice.get(device);
    if (d) d.bad++;
  }

  devices(now: number): DeviceView[] {
    const second = Math.floor(now / 1000);
    return [...this.byDevice.values()].map((d) => {
      let frames = 0;
      // The current second is still filling: count the FPS_WINDOW_S - 1 complete seconds before it.
      for (let i = 0; i < FPS_WINDOW_S; i++) {
        const s = d.bucketSecond[i]!;
        if (s < second && s >= second - (FPS_WINDOW_S - 1)) frames += d.buckets[i]!;
      }
      return {
        device: d.device,
        lastSequence: d.lastSequence,
        lastFrameAt: d.lastFrameAt,
        lastFrameTime: d.lastFrameTime,
        fps: Math.round((frames / (FPS_WINDOW_S - 1)) * 100) / 100,
        analysed: d.analysed,
        dropped: d.dropped,
        bad: d.bad,
        states: { black: d.states.has('black'), frozen: d.states.has('frozen'), audio_loss: d.states.has('audio_loss'), stalled: d.states.has('stalled') },
      };
    });
  }
}

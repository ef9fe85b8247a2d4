import os from 'node:os';
import { DeviceCounters, type DeviceStatusExtras } from './device-counters.js';
import { STATUS_FORMAT, type StatusSnapshot } from './status-snapshot.js';
import { vptVersion } from '../lifecycle/vpt-version.js';

export interface MonitorStatusOptions {
  devices: readonly string[];
  /** Wall clock at the monitor's start. */
  startedMs: number;
  /**
   * A clock that never steps (performance.now()): the uptime is its difference, never one of wall
   * times (a clock moved 22 h forward made a 40 s run "up 22.1h"). Default: the wall clock (tests).
   */
  monotonic?: () => number;
  stallAfterMs: number;
  /** Injected by tests; default process.memoryUsage.rss(). */
  rss?: () => number;
  /** The process's CPU share over the last interval (SelfCpu), when measured. */
  cpuPercent?: () => number | undefined;
  host?: string;
  version?: string;
}

/**
 * The process half of the status snapshot and one DeviceCounters per device
 * (a fixed set, made at start): the live monitor feeds the counters and asks
 * for a snapshot; StatusWriter puts it on disk.
 */
export class MonitorStatus {
  private readonly options: MonitorStatusOptions;
  private readonly counters = new Map<string, DeviceCounters>();
  private readonly startedMono: number | undefined;

  constructor(options: MonitorStatusOptions) {
    this.options = options;
    this.startedMono = options.monotonic?.();
    for (const device of options.devices) this.counters.set(device, new DeviceCounters(device, options.startedMs));
  }

  device(name: string): DeviceCounters {
    const counters = this.counters.get(name);
    if (!counters) throw new Error(`no status counters for device ${name}`);
    return counters;
  }

  snapshot(nowMs: number, extras: (device: string) => DeviceStatusExtras): StatusSnapshot {
    const o = this.options;
    return {
      schema_version: STATUS_FORMAT,
      vpt_version: o.version ?? vptVersion(),
      pid: process.pid,
      host: o.host ?? os.hostname(),
      started_at: new Date(o.startedMs).toISOString(),
      written_at: new Date(nowMs).toISOString(),
      uptime_ms: Math.max(0, Math.round(o.monotonic && this.startedMono !== undefined ? o.monotonic() - this.startedMono : nowMs - o.startedMs)),
      rss_bytes: (o.rss ?? (() => process.memoryUsage.rss()))(),
      ...cpuField(o.cpuPercent?.()),
      stall_after_ms: o.stallAfterMs,
      devices: [...this.counters.values()].map((c) => c.toStatus(nowMs, extras(c.device))),
    };
  }
}

function cpuField(percent: number | undefined): { cpu_percent?: number } {
  return percent === undefined ? {} : { cpu_percent: percent };
}

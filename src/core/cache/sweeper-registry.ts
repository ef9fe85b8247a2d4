import { formatDuration } from '../units.js';

export interface SweepResult {
  freedEntries: number;
  /** When the cache knows what its entries weigh. */
  freedBytes?: number;
}

export interface Sweeper {
  /** Which cache, for the log and the `cache_sweep` event. */
  name: string;
  /** The device whose data it holds; undefined for process-wide caches. */
  device?: string;
  sweep(now: number): SweepResult;
}

export interface CacheSweepReport {
  name: string;
  freedEntries: number;
  freedBytes?: number;
  /** The sweeper threw: named here, and the other sweepers still ran. */
  error?: string;
}

export interface DeviceSweepReport {
  /** undefined for process-wide caches. */
  device: string | undefined;
  freedEntries: number;
  freedBytes: number;
  caches: CacheSweepReport[];
}

/**
 * The registry is bounded too: devices x caches is small; more than this
 * means a cache registers itself per frame, which is the bug to catch.
 */
export const MAX_SWEEPERS = 512;

/** How often the monitor runs the sweepers (`--sweep-interval`). */
export const DEFAULT_SWEEP_INTERVAL_MS = 3_600_000;

/**
 * Defence in depth: every cache is bounded by construction, and every
 * `--sweep-interval` each one also drops what has aged out, reporting per
 * device what it freed so a leak shows in the journal long before the OOM
 * killer does.
 */
export class SweeperRegistry {
  private readonly sweepers = new Set<Sweeper>();

  get size(): number {
    return this.sweepers.size;
  }

  /** Returns the function that unregisters it (a removed device's caches go with it). */
  register(sweeper: Sweeper): () => void {
    if (this.sweepers.size >= MAX_SWEEPERS) {
      throw new RangeError(`more than ${MAX_SWEEPERS} cache sweepers registered (is a cache registered per frame?)`);
    }
    this.sweepers.add(sweeper);
    return () => void this.sweepers.delete(sweeper);
  }

  /** Run every sweeper; one report per device, in registration order. */
  sweepAll(now: number): DeviceSweepReport[] {
    const byDevice = new Map<string | undefined, DeviceSweepReport>();
    for (const sweeper of this.sweepers) {
      let report = byDevice.get(sweeper.device);
      if (!report) {
        report = { device: sweeper.device, freedEntries: 0, freedBytes: 0, caches: [] };
        byDevice.set(sweeper.device, report);
      }
      try {
        const result = sweeper.sweep(now);
        report.freedEntries += result.freedEntries;
        report.freedBytes += result.freedBytes ?? 0;
        report.caches.push({ name: sweeper.name, ...result });
      } catch (err) {
        report.caches.push({ name: sweeper.name, freedEntries: 0, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return [...byDevice.values()];
  }
}

/** The journal line docs/design.md specifies: `[capture1] Memory cache cleanup completed (next cleanup in 1.0h)`. */
export function formatSweepLine(device: string | undefined, nextInMs: number): string {
  return `[${device ?? 'monitor'}] Memory cache cleanup completed (next cleanup in ${formatDuration(nextInMs)})`;
}

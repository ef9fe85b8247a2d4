import type { Logger } from '../logger.js';

/**
 * The monitor's own CPU share, measured by pidusage between two samples of
 * this process (`/proc/<pid>/stat` on Linux), for the status snapshot: an
 * operator sees at a glance whether analysis is eating the Pi. pidusage keeps
 * its history per pid; only this process's pid is ever asked, so it holds
 * one entry. Loaded lazily: the live monitor is its only user.
 */
export class SelfCpu {
  private percent: number | undefined;
  private failed = false;

  constructor(private readonly logger?: Logger) {}

  /** Percent of one core since the previous sample (undefined until two samples, or when /proc cannot be read). */
  get lastPercent(): number | undefined {
    return this.percent;
  }

  async sample(): Promise<void> {
    try {
      const { default: pidusage } = await import('pidusage');
      const stat = await pidusage(process.pid);
      this.percent = Math.round(stat.cpu * 10) / 10;
    } catch (err) {
      this.percent = undefined;
      // One line, not one per sample: a host without /proc stays without it.
      if (!this.failed) this.logger?.debug(`own CPU share not measured: ${err instanceof Error ? err.message : String(err)}`);
      this.failed = true;
    }
  }

  async close(): Promise<void> {
    const { default: pidusage } = await import('pidusage');
    pidusage.clear();
  }
}

import type { Logger } from '../logger.js';
import { formatSize, iso } from '../units.js';
import { PRUNE_BATCH } from './incident-reader.js';
import type { IncidentStore } from './incident-store.js';
import { pruneIncidents } from './prune-incidents.js';

/** Batches of PRUNE_BATCH incidents per sweep: a sweep deletes at most 500 incidents and their evidence; a backlog takes the next sweeps. */
const RETENTION_BATCHES_PER_SWEEP = 1;

/**
 * `--keep-incidents` in the live monitor: every sweep, incidents resolved
 * longer ago are deleted with their evidence files (bounded per sweep), and
 * what went is one line. A sweep still running when the next is due is not
 * doubled (file deletion is asynchronous: an SD card can be slow).
 */
export class IncidentRetention {
  private running = false;

  constructor(
    private readonly store: IncidentStore,
    private readonly keepMs: number,
    private readonly logger: Logger,
  ) {}

  async sweep(nowMs: number): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const cutoff = nowMs - this.keepMs;
      const r = await pruneIncidents(this.store, cutoff, { batch: PRUNE_BATCH, maxBatches: RETENTION_BATCHES_PER_SWEEP });
      if (r.incidents === 0 && r.evidence.files === 0 && r.evidence.failed === 0) return;
      const owed = r.kept.webhook + r.kept.alertmanager;
      this.logger.info(
        `incident retention: removed ${r.incidents} incidents resolved before ${iso(cutoff)} and ${r.evidence.files} evidence files (${formatSize(r.evidence.bytes)} freed, ${r.evidence.missing} already gone)` +
          `${r.more ? '; more next sweep' : ''}${owed > 0 ? `; kept ${owed} whose notifications are not delivered yet` : ''}`,
      );
      if (r.evidence.refused > 0) this.logger.warn(`incident retention: ${r.evidence.refused} evidence paths are not frames of their device: not deleted`);
      if (r.evidence.failed > 0)
        this.logger.warn(`incident retention: ${r.evidence.failed} evidence files could not be deleted (first: ${r.evidence.firstFailure})`);
    } catch (err) {
      // The monitor stopped (and closed the database) while files were being deleted: the next start goes on.
      if (!this.store.isOpen) return;
      this.logger.warn(`incident retention failed: ${err instanceof Error ? err.message : String(err)}; the next sweep tries again`);
    } finally {
      this.running = false;
    }
  }
}

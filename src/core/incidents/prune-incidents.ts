import { MAX_EVIDENCE_PER_INCIDENT, emptyRemoval, removeEvidence, type EvidenceRemoval } from './evidence-removal.js';
import type { IncidentStore } from './incident-store.js';
import type { UndeliveredCounts } from './prune-queries.js';

export interface PruneReport {
  /** Incidents deleted (resolved before the cutoff, nothing owed). */
  incidents: number;
  evidence: EvidenceRemoval;
  /** Resolved before the cutoff but kept: a notification about them is not delivered yet. */
  kept: UndeliveredCounts;
  /** More incidents are due than `maxBatches` allowed: the next sweep goes on. */
  more: boolean;
}

/**
 * Retention and `vpt incidents prune`: delete resolved incidents that ended
 * before `cutoffMs`, and their evidence files, `batch` incidents at a time
 * (each batch's rows in one short transaction, so a running monitor's
 * writes never wait long), at most `maxBatches` batches. A batch's files go
 * first, then its rows: a crash in between leaves rows whose files are
 * already gone (counted `missing` by the next prune), never files no row
 * names. A file another incident near it still lists is kept.
 */
export async function pruneIncidents(
  store: IncidentStore,
  cutoffMs: number,
  options: { batch: number; maxBatches: number; now?: () => number },
): Promise<PruneReport> {
  const now = options.now ?? Date.now;
  const evidence = emptyRemoval();
  let incidents = 0;
  for (let round = 0; round < options.maxBatches; round++) {
    const batch = store.prune((q) => q.candidates(cutoffMs, now(), options.batch));
    if (batch.length === 0) return { incidents, evidence, kept: store.prune((q) => q.undelivered(cutoffMs, now())), more: false };
    const ids = batch.map((i) => i.id);
    const files = batch.flatMap((i) => i.evidence.slice(0, MAX_EVIDENCE_PER_INCIDENT).map((p) => ({ device: i.device, path: p })));
    evidence.refused += batch.reduce((n, i) => n + Math.max(0, i.evidence.length - MAX_EVIDENCE_PER_INCIDENT), 0);
    const shared = store.prune((q) => q.stillReferenced(ids, [...new Set(files.map((f) => f.path))]));
    await removeEvidence(
      files.filter((f) => !shared.has(f.path)),
      evidence,
    );
    incidents += store.prune((q) => q.remove(ids));
  }
  const more = store.prune((q) => q.candidates(cutoffMs, now(), 1)).length > 0;
  return { incidents, evidence, kept: store.prune((q) => q.undelivered(cutoffMs, now())), more };
}

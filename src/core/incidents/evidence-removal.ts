import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/** The monitor keeps 6 files per incident (3 frames, capture and thumbnail); a longer list comes from a tampered row and is cut here. */
export const MAX_EVIDENCE_PER_INCIDENT = 64;

/** Only these can be evidence: `<device>/captures/capture_N.jpg` and `<device>/thumbnails/capture_N_thumbnail.jpg`. */
const EVIDENCE_NAMES: Record<string, RegExp> = {
  captures: /^capture_\d{9}\.jpg$/,
  thumbnails: /^capture_\d{9}_thumbnail\.jpg$/,
};

export interface EvidenceRemoval {
  /** Files deleted, and what they weighed. */
  files: number;
  bytes: number;
  /** Already gone (hot rotation in folder mode, an archiver, an earlier prune cut short). */
  missing: number;
  /** Not deleted because the path is not shaped like evidence of that device, or is not a regular file. */
  refused: number;
  /** Deletions that failed (permission, read-only disk), with the first cause. */
  failed: number;
  firstFailure?: string;
}

export function emptyRemoval(): EvidenceRemoval {
  return { files: 0, bytes: 0, missing: 0, refused: 0, failed: 0 };
}

/**
 * Whether a stored path can be evidence of `device`: absolute, normalised,
 * a frame's name in the device's captures or thumbnails folder. A database
 * row can say anything; a prune deletes nothing else.
 */
export function isEvidencePath(file: string, device: string): boolean {
  if (!path.isAbsolute(file) || path.normalize(file) !== file) return false;
  const folder = path.basename(path.dirname(file));
  return (
    Object.hasOwn(EVIDENCE_NAMES, folder) && EVIDENCE_NAMES[folder]!.test(path.basename(file)) && path.basename(path.dirname(path.dirname(file))) === device
  );
}

/**
 * Delete the evidence files of pruned incidents, one at a time (a batch is
 * at most PRUNE_BATCH incidents of MAX_EVIDENCE_PER_INCIDENT files). Never
 * follows a symlink: lstat, then unlink of a regular file only.
 */
export async function removeEvidence(files: readonly { device: string; path: string }[], into: EvidenceRemoval = emptyRemoval()): Promise<EvidenceRemoval> {
  for (const { device, path: file } of files) {
    if (!isEvidencePath(file, device)) {
      into.refused++;
      continue;
    }
    try {
      const stat = await fs.lstat(file);
      if (!stat.isFile()) {
        into.refused++;
        continue;
      }
      await fs.unlink(file);
      into.files++;
      into.bytes += stat.size;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') into.missing++;
      else {
        into.failed++;
        into.firstFailure ??= `${file}: ${errnoCode(err) ?? String(err)}`;
      }
    }
  }
  return into;
}

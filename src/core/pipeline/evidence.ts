import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { HOT_FOLDER, hasHotFolder } from '../layout/stream-layout.js';
import { captureFileName, thumbnailFileName } from '../layout/frame-names.js';

/** The kinds of file kept as evidence for each frame: the capture and its thumbnail. */
const EVIDENCE_FOLDERS = [
  { folder: 'captures', name: captureFileName },
  { folder: 'thumbnails', name: thumbnailFileName },
] as const;

/**
 * Keep an event's evidence frames (the frame before, the first, the last:
 * the caller picks the sequences) beyond hot rotation: copy capture and
 * thumbnail from `<device>/hot/...` to `<device>/...` (cold storage, same
 * names). Without `hot/` the live files already are the cold ones, and
 * nothing is copied. A source that has already rotated away is skipped, not
 * an error. Returns the cold paths that now exist.
 */
/** How a failed copy is reported (evidence.ts never throws: a full cold disk must not stop event and incident bookkeeping). */
type EvidenceCopyFailure = (file: string, err: unknown) => void;

export async function preserveEvidence(deviceDir: string, sequences: readonly number[], onCopyFailed?: EvidenceCopyFailure): Promise<string[]> {
  const hotDir = path.join(deviceDir, HOT_FOLDER);
  const hot = await hasHotFolder(deviceDir);
  const kept: string[] = [];
  for (const sequence of new Set(sequences.filter((s) => Number.isInteger(s) && s >= 0))) {
    for (const { folder, name } of EVIDENCE_FOLDERS) {
      const cold = path.join(deviceDir, folder, name(sequence));
      let ok: boolean;
      try {
        ok = hot ? await copyIntoCold(path.join(hotDir, folder, name(sequence)), cold) : await exists(cold);
      } catch (err) {
        // Cold storage full, read-only or gone: the frame is not kept, the event and its incident go on.
        onCopyFailed?.(cold, err);
        ok = false;
      }
      if (ok) kept.push(cold);
    }
  }
  return kept;
}

/**
 * Copy via a temp name and rename, so readers of cold storage (the archiver,
 * the web UI) never see half a JPEG. A cold copy already there (the
 * archiver got to it first) is kept as is.
 */
async function copyIntoCold(source: string, target: string): Promise<boolean> {
  if (await exists(target)) return true;
  // copyFile would open a FIFO named like a frame and wait for a writer forever.
  if (!(await exists(source))) return false;
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.copyFile(source, tmp, fsc.COPYFILE_EXCL);
    await fs.rename(tmp, target);
    return true;
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs
    .stat(file)
    .then((s) => s.isFile())
    .catch(() => false);
}

/**
 * Evidence copies of a live monitor, with their failures said once per
 * episode: the first failure is one warning naming the file and the cause,
 * the next ones are counted, and the first success after them is one line.
 * Holds two scalars.
 */
export class EvidenceCopier {
  private failing: string | undefined;
  private failed = 0;

  constructor(
    private readonly warn: (message: string) => void,
    private readonly info: (message: string) => void,
  ) {}

  async preserve(deviceDir: string, sequences: readonly number[]): Promise<string[]> {
    let failedNow = false;
    const kept = await preserveEvidence(deviceDir, sequences, (file, err) => {
      failedNow = true;
      this.failed++;
      const code = errnoCode(err) ?? 'error';
      if (this.failing === code) return;
      this.failing = code;
      const what = err instanceof Error ? (/^[A-Z]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message) : String(err);
      this.warn(`cannot copy evidence to ${file}: ${what} (${code}); events and incidents go on without it (reported once until copies succeed)`);
    });
    if (!failedNow && kept.length > 0 && this.failing !== undefined) {
      this.info(`evidence copies succeed again (${this.failed} failed while ${this.failing})`);
      this.failing = undefined;
      this.failed = 0;
    }
    return kept;
  }
}

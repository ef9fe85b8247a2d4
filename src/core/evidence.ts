import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from './errors.js';
import { HOT_FOLDER, hasHotFolder } from './layout/stream-layout.js';
import { captureName, thumbnailName } from './live/capture-files.js';

/** The kinds of file kept as evidence for each frame: the capture and its thumbnail. */
const EVIDENCE_FOLDERS = [
  { folder: 'captures', name: captureName },
  { folder: 'thumbnails', name: thumbnailName },
] as const;

/**
 * Keep an event's evidence frames (the frame before, the first, the last:
 * the caller picks the sequences) beyond hot rotation: copy capture and
 * thumbnail from `<device>/hot/...` to `<device>/...` (cold storage, same
 * names). Without `hot/` the live files already are the cold ones, and
 * nothing is copied. A source that has already rotated away is skipped, not
 * an error. Returns the cold paths that now exist.
 */
export async function preserveEvidence(deviceDir: string, sequences: readonly number[]): Promise<string[]> {
  const hotDir = path.join(deviceDir, HOT_FOLDER);
  const hot = await hasHotFolder(deviceDir);
  const kept: string[] = [];
  for (const sequence of new Set(sequences.filter((s) => Number.isInteger(s) && s >= 0))) {
    for (const { folder, name } of EVIDENCE_FOLDERS) {
      const cold = path.join(deviceDir, folder, name(sequence));
      const ok = hot ? await copyIntoCold(path.join(hotDir, folder, name(sequence)), cold) : await exists(cold);
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

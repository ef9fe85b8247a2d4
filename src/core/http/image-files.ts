import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { thumbnailFileName } from '../layout/frame-names.js';
import { liveFolders } from '../layout/live-folders.js';

/** An image the page serves is a 320x180 thumbnail (tens of KB); anything bigger is not one of ours. */
const MAX_IMAGE_BYTES = 1024 * 1024;

const THUMBNAIL = /^capture_(\d{9})_thumbnail\.jpg$/;

/** An incident's evidence thumbnails in order (frame before, first, last), with their sequence numbers. */
export function evidenceThumbnails(evidence: readonly string[]): { path: string; sequence: number }[] {
  const out: { path: string; sequence: number }[] = [];
  for (const p of evidence) {
    const m = THUMBNAIL.exec(path.basename(p));
    if (m && path.basename(path.dirname(p)) === 'thumbnails') out.push({ path: p, sequence: Number(m[1]) });
  }
  return out;
}

/** Where the live thumbnail of `sequence` is (hot/ in RAM mode). */
export async function liveThumbnailPath(streamRoot: string, device: string, sequence: number): Promise<string> {
  const folders = await liveFolders(path.join(streamRoot, device));
  return path.join(folders.thumbnails, thumbnailFileName(sequence));
}

/**
 * Read a file the monitor itself named, defensively: it must lie under the
 * stream root once symlinks are resolved, be a regular file no larger than
 * MAX_IMAGE_BYTES, and is read through one descriptor (no swap between the
 * check and the read). Undefined when any of that fails or it is gone.
 */
export async function readServedImage(streamRoot: string, file: string): Promise<Buffer | undefined> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([fs.realpath(file), fs.realpath(streamRoot)]);
  } catch {
    return undefined;
  }
  if (!real.startsWith(root + path.sep)) return undefined;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(real, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_IMAGE_BYTES) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

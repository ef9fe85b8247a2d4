import path from 'node:path';
import { captureFileName, parseFrameSequence, thumbnailFileName } from '../layout/frame-names.js';
import { HOT_FOLDER, hasHotFolder } from '../layout/stream-layout.js';

/** The frame's sequence number, or undefined when the name is not a frame (thumbnails, `.tmp`, dotfiles). */
export const parseCaptureName = parseFrameSequence;
export const captureName = captureFileName;
export const thumbnailName = thumbnailFileName;

export interface LiveFolders {
  /** Where ffmpeg writes frames now: `<device>/hot/captures`, or `<device>/captures`. */
  captures: string;
  thumbnails: string;
  /** RAM mode: the live files are on tmpfs and cold storage is the device folder itself. */
  hot: boolean;
}

/**
 * docs/design.md layout: `hot/` present => the live folders are inside it.
 * (layout/stream-layout's devicePaths says the same for a named device; the
 * watcher only has the device folder, and re-asks at every rescan because
 * hot/ may appear later.)
 */
export async function liveFolders(deviceDir: string): Promise<LiveFolders> {
  const hot = await hasHotFolder(deviceDir);
  const base = hot ? path.join(deviceDir, HOT_FOLDER) : deviceDir;
  return { captures: path.join(base, 'captures'), thumbnails: path.join(base, 'thumbnails'), hot };
}

import path from 'node:path';
import { HOT_FOLDER, hasHotFolder } from './stream-layout.js';

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

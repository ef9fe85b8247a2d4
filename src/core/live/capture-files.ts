import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * ffmpeg's frame names: `capture_NNNNNNNNN.jpg`, exactly nine digits.
 * Thumbnails (`_thumbnail.jpg`), ffmpeg's temp files (`.jpg.tmp`) and dotfiles
 * do not match, so they are never taken for frames.
 */
const CAPTURE_NAME = /^capture_(\d{9})\.jpg$/;

/** The frame's sequence number, or undefined when the name is not a frame. */
export function parseCaptureName(name: string): number | undefined {
  const match = CAPTURE_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function captureName(sequence: number): string {
  return `capture_${String(sequence).padStart(9, '0')}.jpg`;
}

export function thumbnailName(sequence: number): string {
  return `capture_${String(sequence).padStart(9, '0')}_thumbnail.jpg`;
}

export interface LiveFolders {
  /** Where ffmpeg writes frames now: `<device>/hot/captures`, or `<device>/captures`. */
  captures: string;
  thumbnails: string;
  /** RAM mode: the live files are on tmpfs and cold storage is the device folder itself. */
  hot: boolean;
}

/** DESIGN.md layout: `hot/` present => the live folders are inside it. */
export async function liveFolders(deviceDir: string): Promise<LiveFolders> {
  const hotDir = path.join(deviceDir, 'hot');
  const hot = await fs
    .stat(hotDir)
    .then((s) => s.isDirectory())
    .catch(() => false);
  const base = hot ? hotDir : deviceDir;
  return { captures: path.join(base, 'captures'), thumbnails: path.join(base, 'thumbnails'), hot };
}

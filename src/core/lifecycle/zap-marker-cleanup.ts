import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';

export const ZAP_MARKER_FILE = 'last_zapping.json';
/** docs/design.md: an `in_progress` marker older than this was left by a monitor that died mid-check. */
export const STALE_ZAP_MARKER_MS = 5 * 60_000;

/**
 * Whether marker JSON says a zap check is in progress. Accepts both shapes
 * writers use (`"status": "in_progress"` and `"in_progress": true`).
 */
export function isInProgressMarker(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    return record.status === 'in_progress' || record.in_progress === true;
  } catch {
    return false;
  }
}

/**
 * At start: remove `<metadataDir>/last_zapping.json` when it is an
 * `in_progress` marker older than 5 minutes (its age is the file's mtime:
 * the writer's clock, whatever the JSON says). Results and fresh markers stay.
 * Returns the removed path.
 */
export async function removeStaleZapMarker(metadataDir: string, now = Date.now()): Promise<string | undefined> {
  const file = path.join(metadataDir, ZAP_MARKER_FILE);
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  if (!isInProgressMarker(text) || now - mtimeMs <= STALE_ZAP_MARKER_MS) return undefined;
  await fs.rm(file, { force: true });
  return file;
}

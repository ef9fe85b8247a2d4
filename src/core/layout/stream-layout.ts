import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import { deviceNameProblem, validateDeviceName } from './device-name.js';
import { naturalCompare } from './natural-compare.js';
import { readBoundedFile } from '../fs/bounded-read.js';

/** The optional list of running captures at the top of the stream root. */
export const ACTIVE_CAPTURES_FILE = 'active_captures.conf';
/** One line per capture device; a file larger than this is not that list. */
const ACTIVE_CAPTURES_MAX_BYTES = 1024 * 1024;
/** Discovery fallback: every folder under the stream root whose name starts with this. */
export const DEVICE_PREFIX = 'capture';

/** named: --devices, VPT_DEVICES or vpt.toml's `devices`; active_captures: the stream root's list; discovery: every capture* folder. */
export type DeviceSource = 'named' | 'active_captures' | 'discovery';

export interface DeviceSpec {
  name: string;
  /** The quality field of active_captures.conf, when the device came from there. */
  quality?: string;
  source: DeviceSource;
}

export interface ActiveCapture {
  baseDir: string;
  pid: number | undefined;
  quality: string;
}

/**
 * Parse active_captures.conf: one `<device-base-dir>,<pid>,<quality>` per
 * line. Blank lines and `#` comments are skipped; a line without a base dir
 * is ignored rather than fatal, because the capture script rewrites this file
 * while we may be reading it.
 */
export function parseActiveCaptures(text: string): ActiveCapture[] {
  const out: ActiveCapture[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [baseDir = '', pidText = '', quality = ''] = line.split(',').map((s) => s.trim());
    if (baseDir === '') continue;
    const pid = /^\d+$/.test(pidText) ? Number(pidText) : undefined;
    out.push({ baseDir: baseDir.replace(/\/+$/, ''), pid, quality });
  }
  return out;
}

/** The stream root must be an existing folder: one clear line otherwise. */
export async function checkStreamRoot(streamRoot: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(streamRoot);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') {
      throw new UsageError(`stream root ${streamRoot} does not exist: pass --stream-root <dir> or set VPT_STREAM_ROOT`);
    }
    if (code === 'EACCES') throw new UsageError(`stream root ${streamRoot} is not readable (permission denied)`);
    throw err;
  }
  if (!stat.isDirectory()) throw new UsageError(`stream root ${streamRoot} is not a folder: pass --stream-root <dir>`);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Which devices to watch (docs/design.md): --devices; else the lines of
 * active_captures.conf whose folder exists under the stream root (the base
 * dir's last component is the device, so a copied stream root still
 * resolves); else every `capture*` folder. Names are validated first: a
 * flag's bad name throws, a found folder or conf line whose name breaks the
 * device-name rule is passed to `onRefused` (one line each) and skipped.
 */
export async function resolveDevices(
  streamRoot: string,
  explicit?: readonly string[],
  onRefused: (name: string, problem: string) => void = () => undefined,
): Promise<DeviceSpec[]> {
  if (explicit && explicit.length > 0) {
    const names = [...new Set(explicit.map(validateDeviceName))];
    return names.map((name) => ({ name, source: 'named' as const }));
  }
  const fromConf = await devicesFromActiveCaptures(streamRoot, onRefused);
  if (fromConf.length > 0) return fromConf;
  const entries = await fs.readdir(streamRoot, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(DEVICE_PREFIX) && acceptable(e.name, onRefused))
    .map((e) => e.name)
    .sort(naturalCompare)
    .map((name) => ({ name, source: 'discovery' as const }));
}

function acceptable(name: string, onRefused: (name: string, problem: string) => void): boolean {
  const problem = deviceNameProblem(name);
  if (problem !== undefined) onRefused(name, problem);
  return problem === undefined;
}

async function devicesFromActiveCaptures(streamRoot: string, onRefused: (name: string, problem: string) => void): Promise<DeviceSpec[]> {
  let text: string;
  try {
    // Written by the farm's capture scripts: a FIFO or /dev/zero there must not block or fill memory.
    text = await readBoundedFile(path.join(streamRoot, ACTIVE_CAPTURES_FILE), ACTIVE_CAPTURES_MAX_BYTES);
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const out: DeviceSpec[] = [];
  for (const entry of parseActiveCaptures(text)) {
    const name = path.basename(entry.baseDir);
    if (seen.has(name) || !acceptable(name, onRefused)) continue;
    if (!(await isDirectory(path.join(streamRoot, name)))) continue;
    seen.add(name);
    out.push({ name, quality: entry.quality, source: 'active_captures' });
  }
  return out;
}

export interface FolderSet {
  captures: string;
  thumbnails: string;
  segments: string;
  metadata: string;
}

export interface DevicePaths {
  name: string;
  base: string;
  /** hot/ exists: RAM mode, live files are under hot/. */
  hot: boolean;
  /** Where ffmpeg writes now and where per-frame JSON goes. */
  live: FolderSet;
  /** Cold storage: the 10-minute chunk files, evidence copies. */
  cold: FolderSet;
}

function folderSet(root: string): FolderSet {
  return {
    captures: path.join(root, 'captures'),
    thumbnails: path.join(root, 'thumbnails'),
    segments: path.join(root, 'segments'),
    metadata: path.join(root, 'metadata'),
  };
}

/** RAM mode (docs/design.md layout): ffmpeg writes under `<device>/hot/` (tmpfs); the device folder is cold storage. */
export const HOT_FOLDER = 'hot';

/**
 * Whether the device is in RAM mode now: `<device>/hot/` is a folder. The one
 * test for it, asked again wherever hot/ may have appeared or gone since.
 */
export async function hasHotFolder(deviceDir: string): Promise<boolean> {
  return isDirectory(path.join(deviceDir, HOT_FOLDER));
}

/** Paths of one device; `hot` is decided by whether `<device>/hot/` exists now. */
export async function devicePaths(streamRoot: string, name: string): Promise<DevicePaths> {
  const base = path.join(streamRoot, validateDeviceName(name));
  const hot = await hasHotFolder(base);
  const cold = folderSet(base);
  return { name, base, hot, live: hot ? folderSet(path.join(base, HOT_FOLDER)) : cold, cold };
}

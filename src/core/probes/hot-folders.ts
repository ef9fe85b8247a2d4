import { readdir, realpath, stat } from '../fs/fs-async.js';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { naturalCompare } from '../layout/natural-compare.js';
import { describeProbeError } from './probe-error.js';
import { mountFor, parseMounts } from './mounts.js';
import { readProcOr } from './proc-pid.js';
import { fsUsage, type FsUsage } from './statfs-usage.js';
import { available, unavailable, type Probe } from './types.js';

/** One `<stream-root>/capture*\/hot` folder: normally a tmpfs that ffmpeg fills. */
export interface HotFolder {
  /** The device folder, `capture2`. */
  device: string;
  /** As the health log shows it: `capture2/hot`. */
  name: string;
  path: string;
  /** undefined when statfs failed; `error` says why. */
  usage: FsUsage | undefined;
  error?: string;
  /** Filesystem type of the mount holding it (`tmpfs`), when /proc/mounts is readable. */
  fstype: string | undefined;
  /** Whether the hot folder is itself a mountpoint (its own tmpfs) rather than a folder of `/`. */
  ownMount: boolean | undefined;
}

/** A farm host has a handful of grabbers; anything beyond this is not a capture layout. */
export const MAX_HOT_FOLDERS = 64;

export async function listHotFolders(streamRoot: string): Promise<{ device: string; path: string }[]> {
  let entries: string[];
  try {
    entries = await readdir(streamRoot);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const candidates = entries.filter((e) => e.startsWith('capture')).sort(naturalCompare);
  const found: { device: string; path: string }[] = [];
  for (const device of candidates) {
    if (found.length >= MAX_HOT_FOLDERS) break;
    const hot = path.join(streamRoot, device, 'hot');
    const info = await stat(hot).catch(() => undefined);
    if (info?.isDirectory()) found.push({ device, path: hot });
  }
  return found;
}

export async function sampleHotFolders(procRoot: string, streamRoot: string): Promise<HotFolder[]> {
  const folders = await listHotFolders(streamRoot);
  const mounts = folders.length === 0 ? [] : parseMounts(readProcOr(path.join(procRoot, 'mounts')));
  return Promise.all(
    folders.map(async ({ device, path: hotPath }): Promise<HotFolder> => {
      const real = await realpath(hotPath).catch(() => hotPath);
      const mount = mounts.length > 0 ? mountFor(mounts, real) : undefined;
      const base = {
        device,
        name: `${device}/hot`,
        path: hotPath,
        fstype: mount?.fstype,
        ownMount: mount === undefined ? undefined : mount.mountpoint === real,
      };
      try {
        return { ...base, usage: await fsUsage(hotPath) };
      } catch (err) {
        return { ...base, usage: undefined, error: describeProbeError(err) };
      }
    }),
  );
}

export const hotFoldersProbe: Probe<HotFolder[]> = {
  name: 'hot-folders',
  async sample(ctx) {
    try {
      return available(await sampleHotFolders(ctx.procRoot, ctx.streamRoot));
    } catch (err) {
      return unavailable(`cannot list ${ctx.streamRoot}: ${describeProbeError(err)}`);
    }
  },
};

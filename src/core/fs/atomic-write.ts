import { closeSync, fchmodSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { close, fchmod, fsync, open, rename, rm, writeFile } from './fs-async.js';

export interface AtomicWriteOptions {
  /** File mode of the result (default 0o644). */
  mode?: number;
  /** fsync the file and its folder (default true). Off only for high-rate, rebuildable files. */
  fsync?: boolean;
}

/**
 * Temp name in the same folder, so rename() stays on one filesystem and is atomic. Unique by pid and
 * a random part; open(..., 'wx') refuses a clash anyway, so the random part need not be
 * cryptographic (node:crypto would cost the 30 s health sample ~25 internal modules to load).
 */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const random = Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return path.join(dir, `.${base}.tmp-${process.pid}-${random}`);
}

/**
 * Write a file so readers see either the old content or the new one, never a
 * partial file: temp file in the same folder, fsync, rename, fsync the folder.
 * On any failure the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o644;
  const sync = options.fsync ?? true;
  const tmp = tempPathFor(target);
  if (!sync && !umaskNarrows(mode)) {
    // The per-frame JSON's path (docs/architecture.md "Where a replay's time goes"): created with its
    // final mode, so no fchmod, and no fsync to need a handle for.
    try {
      // fs.writeFile's callback form: open, write, close as three thread-pool jobs and one promise.
      await writeFile(tmp, data, { flag: 'wx', mode });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    return;
  }
  let fd: number | undefined;
  try {
    fd = await open(tmp, 'wx', mode);
    await writeFile(fd, data);
    // The umask may have narrowed the mode given to open().
    await fchmod(fd, mode);
    if (sync) await fsync(fd);
    await close(fd);
    fd = undefined;
    await rename(tmp, target);
  } catch (err) {
    if (fd !== undefined) await close(fd).catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  if (sync) await syncDir(path.dirname(target));
}

/**
 * writeFileAtomic without fsync, synchronously: for a thread whose only job is writing such files
 * (the replay's frame JSON writer, pipeline/frame-json-worker.ts), where one call costs two system
 * calls' time and no thread-pool round trips.
 */
export function writeFileAtomicSyncNoFsync(target: string, data: string, mode = 0o644): void {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    const bytes = Buffer.from(data);
    for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
    if (umaskNarrows(mode)) fchmodSync(fd, mode);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    // The write's own error is the one to report: a failing clean-up must not replace it.
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
    } catch {
      // Left for removeDeadWritersTempFiles at the next start.
    }
    throw err;
  }
}

let umask: number | undefined;

/**
 * Whether the process's umask takes bits off `mode` (then open()'s mode needs an fchmod after it).
 * Read once from /proc/self/status: process.umask() without an argument sets the umask twice, and a
 * thread-pool mkdir between the two would get mode 0o777. Unknown (no /proc): assume it narrows.
 */
function umaskNarrows(mode: number): boolean {
  if (umask === undefined) {
    try {
      umask = Number.parseInt(/^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '777', 8);
    } catch {
      umask = 0o777;
    }
  }
  return (mode & umask) !== 0;
}

async function syncDir(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await open(dir, 'r');
    await fsync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) await close(fd).catch(() => undefined);
  }
}

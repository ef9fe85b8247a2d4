import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { VptError, EXIT, errnoCode } from '../errors.js';
import { RefusedFileError, readBoundedFile } from '../fs/bounded-read.js';

/**
 * A lock file created with O_EXCL, for files that other tools of the farm
 * may rewrite too (the 10-minute chunk files). O_EXCL works across
 * languages and over any local filesystem; a holder that died leaves the
 * file behind, so a lock older than LOCK_STALE_MS is broken. Holders keep a
 * lock for one read-merge-write of a small JSON file: milliseconds.
 */
export const LOCK_STALE_MS = 30_000;
/** How long to wait for a busy lock before giving up on this write. */
export const LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_MS = 20;
/** A lock file holds one token line ("<pid> <12 hex>"); anything larger is not one of ours. */
const MAX_LOCK_FILE_BYTES = 256;

export class LockTimeoutError extends VptError {
  constructor(lockPath: string) {
    super(`${lockPath} is held by another process for more than ${LOCK_WAIT_MS / 1000}s`, EXIT.warning);
  }
}

export interface LockOptions {
  staleMs?: number;
  waitMs?: number;
  now?: () => number;
}

/** Run `fn` while holding `lockPath`; the lock is removed afterwards, also on error. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, options: LockOptions): Promise<string> {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const now = options.now ?? Date.now;
  const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
  const deadline = now() + waitMs;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o644);
      try {
        await handle.writeFile(`${token}\n`);
      } catch (err) {
        // Disk full: the file was created but holds no token. It is ours (wx); left behind it would
        // block every writer of this chunk until it turns stale.
        await handle.close().catch(() => undefined);
        await fs.rm(lockPath, { force: true }).catch(() => undefined);
        throw err;
      }
      await handle.close();
      return token;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    if (await breakIfStale(lockPath, staleMs, now)) continue;
    if (now() >= deadline) throw new LockTimeoutError(lockPath);
    await sleep(LOCK_RETRY_MS);
  }
}

/**
 * Move a stale lock aside under a unique name, then delete it: of two
 * processes breaking the same stale lock, only one rename succeeds.
 */
async function breakIfStale(lockPath: string, staleMs: number, now: () => number): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.stat(lockPath)).mtimeMs;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true;
    throw err;
  }
  if (now() - mtimeMs < staleMs) return false;
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true;
    throw err;
  }
  await fs.rm(aside, { force: true });
  return true;
}

async function release(lockPath: string, token: string): Promise<void> {
  try {
    const held = (await readBoundedFile(lockPath, MAX_LOCK_FILE_BYTES)).trim();
    // Ours unless it was broken as stale and taken by someone else meanwhile.
    if (held === token) await fs.rm(lockPath, { force: true });
  } catch (err) {
    // Replaced by something that is not our lock file (a FIFO, a huge file): not ours to remove.
    if (err instanceof RefusedFileError) return;
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

import { closeSync, openSync, readFileSync, unlinkSync, writeSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, VptError, errnoCode } from '../errors.js';
import { isPidAlive } from '../process/pid-alive.js';

export const LOCK_FILE = 'monitor.lock';
/** `--replace`: how long the old monitor gets to drain after SIGTERM (it promises 5 s) before SIGKILL. */
export const REPLACE_WAIT_MS = 6_000;
/** A lock file created but not yet written is the other starter mid-write; older than this it is junk. */
const UNWRITTEN_LOCK_GRACE_MS = 2_000;
const POLL_MS = 50;
const MAX_ATTEMPTS = 20;

export class InstanceLockedError extends VptError {
  readonly pid: number;
  readonly lockPath: string;
  constructor(pid: number, lockPath: string) {
    super(`another vpt monitor (pid ${pid}) holds ${lockPath}; stop it or use --replace`, EXIT.critical);
    this.pid = pid;
    this.lockPath = lockPath;
  }
}

export interface InstanceLock {
  path: string;
  /** Synchronous, so exit and signal handlers can call it; removes the file only if it is still ours. */
  release(): void;
}

export interface LockOptions {
  /** Stop the holder (SIGTERM, then SIGKILL after waitMs) and take the lock. */
  replace?: boolean;
  waitMs?: number;
  /** Where /proc is: a lock whose pid now belongs to something that is not vpt is stale (pid reuse after a reboot). */
  procRoot?: string;
  /** What a replaced holder is told (tests observe it). */
  onReplacing?: (pid: number) => void;
}

/**
 * One monitor per state dir: `<state-dir>/monitor.lock` holds the pid,
 * created with O_EXCL. A lock whose process is gone (or whose pid was
 * reused by a non-vpt process) is taken over; a live holder is refused
 * unless `replace`.
 */
export async function acquireInstanceLock(stateDir: string, options: LockOptions = {}): Promise<InstanceLock> {
  const lockPath = path.join(stateDir, LOCK_FILE);
  const procRoot = options.procRoot ?? '/proc';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(lockPath)) return { path: lockPath, release: () => releaseIfOurs(lockPath) };
    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue;
    if (holder === 'unwritten') {
      // Not an attempt: readHolder turns it stale after the grace period, so this ends.
      attempt--;
      await sleep(POLL_MS);
      continue;
    }
    const alive = holder !== process.pid && isPidAlive(holder) && (await looksLikeVpt(procRoot, holder));
    if (!alive) {
      await takeOverStale(lockPath, holder);
      continue;
    }
    if (!options.replace) throw new InstanceLockedError(holder, lockPath);
    options.onReplacing?.(holder);
    await stopHolder(holder, options.waitMs ?? REPLACE_WAIT_MS);
  }
  throw new VptError(`could not take ${lockPath} after ${MAX_ATTEMPTS} attempts (other monitors starting at the same time?)`, EXIT.critical);
}

function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

async function readHolder(lockPath: string): Promise<number | 'gone' | 'unwritten'> {
  let text: string;
  let mtimeMs: number;
  try {
    text = await fs.readFile(lockPath, 'utf8');
    mtimeMs = (await fs.stat(lockPath)).mtimeMs;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'gone';
    throw err;
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0) return pid;
  // Junk left by a crash between create and write: old enough, it is stale (pid 0 is never alive).
  return Date.now() - mtimeMs > UNWRITTEN_LOCK_GRACE_MS ? 0 : 'unwritten';
}

/**
 * Move the stale lock aside first: of two starters racing for the same stale
 * lock only one rename succeeds. If what we moved turns out to be a fresh
 * lock (the other starter won in between), put it back without clobbering.
 */
async function takeOverStale(lockPath: string, stalePid: number): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  const moved = Number((await fs.readFile(aside, 'utf8').catch(() => '')).trim()) || 0;
  if (moved !== stalePid) await fs.link(aside, lockPath).catch(() => undefined);
  await fs.rm(aside, { force: true });
}

async function stopHolder(pid: number, waitMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, waitMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 2_000);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if (errnoCode(err) !== 'ESRCH') throw err;
  }
}

async function waitForExit(pid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (isPidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** Unreadable /proc (another OS, hidepid): assume it is a monitor rather than steal a live lock. */
async function looksLikeVpt(procRoot: string, pid: number): Promise<boolean> {
  try {
    const cmdline = await fs.readFile(path.join(procRoot, String(pid), 'cmdline'), 'utf8');
    return cmdline.includes('vpt');
  } catch {
    return true;
  }
}

function releaseIfOurs(lockPath: string): void {
  try {
    if (Number(readFileSync(lockPath, 'utf8').trim()) === process.pid) unlinkSync(lockPath);
  } catch {
    // Already gone, or taken over by a --replace: either way not ours to remove.
  }
}

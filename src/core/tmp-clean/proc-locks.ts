import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, VptError, errnoCode } from '../errors.js';

/**
 * Locks from /proc/locks. Node has no flock(2), so vpt cannot do what
 * systemd-tmpfiles does (try a non-blocking exclusive flock, remove while
 * holding it). Instead it reads the kernel's table of every flock, POSIX,
 * OFD lock and lease, and skips a file whose device and inode appear there.
 *
 * The race this leaves, stated plainly: a process that takes its lock after
 * the table was read and before the unlink is not seen. The cleaner re-reads
 * the table right before each removal, so the window is a few syscalls wide;
 * a writer that creates its temp file and locks it at once is still only at
 * risk if the file is already older than --older-than, which a file in use
 * keeps fresh. Locks held in another pid namespace may be hidden from
 * /proc/locks by the kernel; on overlayfs the table names the upper inode.
 */

export interface ProcLock {
  /** FLOCK, POSIX, OFDLCK, LEASE, DELEG. */
  type: string;
  /** READ or WRITE (or the lease state). */
  access: string;
  /** -1 for OFD locks, which belong to an open file, not a process. */
  pid: number;
  major: number;
  minor: number;
  inode: bigint;
  /** A `->` line: this process waits for the lock, another holds it. */
  waiting: boolean;
}

/** `fe:00:2146561`: device major and minor in hex, inode in decimal. */
const DEVICE_INODE = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i;

/**
 * Parse /proc/locks, e.g. `1: FLOCK  ADVISORY  WRITE 7941 fe:00:2146561 0 EOF`
 * or `1: -> POSIX  ADVISORY  WRITE 812 08:01:5678 0 EOF`. Lines that do not
 * have this shape are ignored rather than guessed at.
 */
export function parseProcLocks(text: string): ProcLock[] {
  const locks: ProcLock[] = [];
  for (const line of text.split('\n')) {
    const tokens = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(tokens[0] ?? '')) continue;
    let i = 1;
    const waiting = tokens[i] === '->';
    if (waiting) i++;
    const type = tokens[i];
    const devIndex = tokens.findIndex((t, at) => at > i && DEVICE_INODE.test(t));
    if (type === undefined || devIndex < 0) continue;
    const dev = DEVICE_INODE.exec(tokens[devIndex]!)!;
    const pid = Number(tokens[devIndex - 1]);
    locks.push({
      type,
      access: tokens[devIndex - 2] ?? '',
      pid: Number.isInteger(pid) ? pid : -1,
      major: parseInt(dev[1]!, 16),
      minor: parseInt(dev[2]!, 16),
      inode: BigInt(dev[3]!),
      waiting,
    });
  }
  return locks;
}

/** Split a userspace st_dev into major and minor, as glibc's gnu_dev_major/minor do. */
export function devMajorMinor(dev: bigint): { major: number; minor: number } {
  const major = ((dev & 0xfff00n) >> 8n) | ((dev & 0xfffff00000000000n) >> 32n);
  const minor = (dev & 0xffn) | ((dev & 0xffffff00000n) >> 12n);
  return { major: Number(major), minor: Number(minor) };
}

/** The key a lock and a stat share: `major:minor:inode`. */
export function lockKey(major: number, minor: number, inode: bigint): string {
  return `${major}:${minor}:${inode}`;
}

export function statLockKey(dev: bigint, ino: bigint): string {
  const { major, minor } = devMajorMinor(dev);
  return lockKey(major, minor, ino);
}

/**
 * Which of `candidates` (statLockKey keys) are locked, held or waited for:
 * both mean someone uses the file. Only candidates are kept, so the result
 * is bounded by the run's candidate limit, whatever the size of the table.
 * Without a readable table nothing can be judged safe: that is an error.
 */
export async function lockedAmong(procRoot: string, candidates: ReadonlySet<string>): Promise<Set<string>> {
  const file = path.join(procRoot, 'locks');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new VptError(
      `cannot read ${file} (${errnoCode(err) ?? String(err)}): without it locked files cannot be recognised, so nothing was removed; is /proc mounted?`,
      EXIT.unknown,
    );
  }
  const locked = new Set<string>();
  for (const lock of parseProcLocks(text)) {
    const key = lockKey(lock.major, lock.minor, lock.inode);
    if (candidates.has(key)) locked.add(key);
  }
  return locked;
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VptError } from '../../src/core/errors.js';
import { devMajorMinor, lockedAmong, lockKey, parseProcLocks, statLockKey } from '../../src/core/tmp-clean/proc-locks.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** As read from a Linux 6.x host: flock, POSIX with a waiter, OFD (pid -1), a lease, a large major. */
const PROC_LOCKS = `1: FLOCK  ADVISORY  WRITE 7941 fe:00:2146561 0 EOF
2: POSIX  ADVISORY  WRITE 812 08:01:5678 0 EOF
2: -> POSIX  ADVISORY  WRITE 901 08:01:5678 0 EOF
3: OFDLCK ADVISORY  READ  -1 00:06:1028 0 EOF
4: LEASE  ACTIVE    READ  1234 00:2d:123 0 EOF
5: POSIX  ADVISORY  READ  77 103:1a:18446744073709551615 128 1023
garbage line
`;

describe('parseProcLocks', () => {
  it('reads every lock line, waiters marked', () => {
    const locks = parseProcLocks(PROC_LOCKS);
    expect(locks).toHaveLength(6);
    expect(locks[0]).toEqual({ type: 'FLOCK', access: 'WRITE', pid: 7941, major: 0xfe, minor: 0, inode: 2146561n, waiting: false });
    expect(locks[2]).toMatchObject({ type: 'POSIX', pid: 901, major: 8, minor: 1, inode: 5678n, waiting: true });
    expect(locks[3]).toMatchObject({ type: 'OFDLCK', access: 'READ', pid: -1, major: 0, minor: 6, inode: 1028n });
    expect(locks[4]).toMatchObject({ type: 'LEASE', pid: 1234, minor: 0x2d });
    expect(locks[5]).toMatchObject({ major: 0x103, minor: 0x1a, inode: 18446744073709551615n });
  });

  it('an empty table has no locks', () => {
    expect(parseProcLocks('')).toEqual([]);
  });
});

describe('devMajorMinor', () => {
  /** glibc's gnu_dev_makedev, written out independently of the code under test. */
  const makedev = (major: bigint, minor: bigint): bigint => (minor & 0xffn) | ((major & 0xfffn) << 8n) | ((minor & ~0xffn) << 12n) | ((major & ~0xfffn) << 32n);

  it.each([
    [0xfe00n, 254, 0], // dm-0, as in the table above
    [0x0801n, 8, 1], // sda1
    [0x1031an, 0x103, 0x1a], // a major over 255
  ])('st_dev %s -> %i:%i', (dev, major, minor) => {
    expect(devMajorMinor(dev)).toEqual({ major, minor });
  });

  it.each([
    [0x103n, 0x1an],
    [0x1234n, 0x12345n], // both beyond the old 8-bit fields
    [0xfffffn, 0xfffffn],
  ])('round-trips makedev(%s, %s)', (major, minor) => {
    expect(devMajorMinor(makedev(major, minor))).toEqual({ major: Number(major), minor: Number(minor) });
  });

  it('statLockKey of an st_dev equals the key /proc/locks gives the same file', () => {
    const [lock] = parseProcLocks(PROC_LOCKS);
    expect(statLockKey(0xfe00n, 2146561n)).toBe(lockKey(lock!.major, lock!.minor, lock!.inode));
  });
});

describe('lockedAmong', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('keeps only candidates, from a fake procfs root', async () => {
    await writeFile(path.join(tmp.dir, 'locks'), PROC_LOCKS);
    const wanted = new Set(['254:0:2146561', '8:1:5678', '8:1:9999']);
    expect(await lockedAmong(tmp.dir, wanted)).toEqual(new Set(['254:0:2146561', '8:1:5678']));
  });

  it('no lock table is an error, never "nothing is locked"', async () => {
    await mkdir(path.join(tmp.dir, 'empty'));
    await expect(lockedAmong(path.join(tmp.dir, 'empty'), new Set(['1:2:3']))).rejects.toThrow(VptError);
    await expect(lockedAmong(path.join(tmp.dir, 'empty'), new Set(['1:2:3']))).rejects.toThrow(/nothing was removed/);
  });
});

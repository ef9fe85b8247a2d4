import { execa } from 'execa';
import { readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, InstanceLockedError, LOCK_FILE } from '../../src/core/lifecycle/instance-lock.js';
import { isPidAlive } from '../../src/core/process/pid-alive.js';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';

const HOLDER = path.join(REPO_ROOT, 'test/helpers/children/vpt-lock-holder.ts');

let dir: string;
let cleanup: () => Promise<void>;
const children: { kill(signal?: NodeJS.Signals): boolean }[] = [];
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-lock-')));
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await cleanup();
});

async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}
const lockFile = () => path.join(dir, LOCK_FILE);

describe('acquireInstanceLock', () => {
  it('creates the lock with our pid; release removes it; a second acquire after release works', async () => {
    const lock = await acquireInstanceLock(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(await readdir(dir)).toEqual([]);
    (await acquireInstanceLock(dir)).release();
  });

  it('takes over the lock of a dead pid, and junk left by a crash mid-write', async () => {
    await writeFile(lockFile(), `${await deadPid()}\n`);
    const lock = await acquireInstanceLock(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();

    await writeFile(lockFile(), '');
    const old = (Date.now() - 10_000) / 1000;
    await utimes(lockFile(), old, old);
    (await acquireInstanceLock(dir)).release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats a pid now used by a process that is not vpt as stale, and never signals it', async () => {
    const sleeper = execa('sleep', ['60']);
    children.push(sleeper);
    await writeFile(lockFile(), `${sleeper.pid}\n`);
    const lock = await acquireInstanceLock(dir, { replace: true, waitMs: 200 });
    expect(await readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    expect(isPidAlive(sleeper.pid!)).toBe(true);
    lock.release();
    sleeper.kill('SIGKILL');
    await sleeper.catch(() => undefined);
  });

  it('refuses while another live monitor holds it, naming the pid and the fix', async () => {
    const { child, readyLine } = await startTsChild(HOLDER, [dir]);
    children.push(child);
    const pid = Number(readyLine.split(' ')[1]);
    const error = await acquireInstanceLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceLockedError);
    expect((error as InstanceLockedError).pid).toBe(pid);
    expect((error as InstanceLockedError).exitCode).toBe(2);
    expect((error as Error).message).toBe(`another vpt monitor (pid ${pid}) holds ${lockFile()}; stop it or use --replace`);
    expect(await readFile(lockFile(), 'utf8')).toBe(`${pid}\n`);
  });

  it('--replace: SIGTERMs the holder, waits for it to leave, takes the lock', async () => {
    const { child, readyLine } = await startTsChild(HOLDER, [dir, 'obey']);
    children.push(child);
    const pid = Number(readyLine.split(' ')[1]);
    const told: number[] = [];
    const lock = await acquireInstanceLock(dir, { replace: true, onReplacing: (p) => told.push(p) });
    expect(told).toEqual([pid]);
    expect((await child).exitCode).toBe(0);
    expect(await readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('--replace: a holder that ignores SIGTERM is SIGKILLed after the wait', async () => {
    const { child } = await startTsChild(HOLDER, [dir, 'ignore-term']);
    children.push(child);
    const lock = await acquireInstanceLock(dir, { replace: true, waitMs: 500 });
    const result = await child;
    expect(result.signal).toBe('SIGKILL');
    expect(await readFile(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('release() leaves a lock that is no longer ours alone', async () => {
    const lock = await acquireInstanceLock(dir);
    await writeFile(lockFile(), '999999\n');
    lock.release();
    expect(await readFile(lockFile(), 'utf8')).toBe('999999\n');
  });
});

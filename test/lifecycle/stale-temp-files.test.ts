import { execa } from 'execa';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDeadWritersTempFiles } from '../../src/core/lifecycle/stale-temp-files.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 16 (smaller): a replay killed mid-run left `.capture_N.json.tmp-<pid>-*`
 * files (some empty) that no later run removed. Each start now removes the
 * ones of processes that are gone, and only those.
 */
let root: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  root = await makeTempDir('vpt-stale-temps-');
});
afterEach(async () => root.cleanup());

/** A pid that was just used and is now gone. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  const pid = child.pid!;
  await child;
  return pid;
}

/** Leftovers of a dead writer (one empty), one of a live process, and names that only look alike. */
async function plant(metadata: string): Promise<{ dead: string[]; kept: string[] }> {
  await mkdir(metadata, { recursive: true });
  const gone = await deadPid();
  const dead = [`.capture_000000003.json.tmp-${gone}-0a1b2c3d`, `.capture_000000004.json.tmp-${gone}-deadbeef`];
  await writeFile(path.join(metadata, dead[0]!), '{"analyzed": tr');
  await writeFile(path.join(metadata, dead[1]!), '');
  const kept = [`.capture_000000005.json.tmp-${process.pid + 0}-00000000`, 'capture_000000006.json.tmp-1-0a1b2c3d', `.notes.tmp-${gone}-xyz`];
  for (const name of kept) await writeFile(path.join(metadata, name), 'x');
  // A symlink with a dead pid's name is not ours to judge: lstat says it is not a regular file.
  await symlink('/etc/hostname', path.join(metadata, `.capture_000000007.json.tmp-${gone}-11111111`));
  kept.push(`.capture_000000007.json.tmp-${gone}-11111111`);
  return { dead, kept };
}

describe('stale atomic-write temp files', () => {
  it('vpt monitor --replay removes those of dead processes before writing, keeps the rest', async () => {
    const device = path.join(root.dir, 'capture1');
    await generateCapture(device, [{ kind: 'moving', seconds: 1 }]);
    const { dead, kept } = await plant(path.join(device, 'metadata'));
    const run = await runVpt(['monitor', '--replay', '--no-audio', '--stream-root', root.dir, '--json'], { timeoutMs: 60_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const names = await readdir(path.join(device, 'metadata'));
    for (const name of dead) expect(names).not.toContain(name);
    for (const name of kept) expect(names).toContain(name);
  }, 60_000);

  it('vpt monitor (live) removes them at start and says how many', async () => {
    const device = path.join(root.dir, 'stream', 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    const { dead, kept } = await plant(path.join(device, 'metadata'));
    const state = path.join(root.dir, 'state');
    const tmp = path.join(root.dir, 'tmp');
    await mkdir(tmp);
    const monitor = startMonitor(['--stream-root', path.join(root.dir, 'stream'), '--state-dir', state, '--devices', 'capture1', '--no-audio'], {
      TMPDIR: tmp,
    });
    try {
      await monitor.waitForEvent((e) => e.event === 'memory', 'the monitor started', 30_000);
      expect(monitor.stderr.filter((l) => l.includes('temp files'))).toEqual([
        `removed 2 temp files of processes that are gone from ${path.join(device, 'metadata')}`,
      ]);
      const names = await readdir(path.join(device, 'metadata'));
      for (const name of dead) expect(names).not.toContain(name);
      for (const name of kept) expect(names).toContain(name);
    } finally {
      monitor.child.kill('SIGTERM');
      await monitor.child;
    }
  }, 60_000);

  it('streams a folder far larger than any memory bound: 20,000 names, 5,000 of them stale', async () => {
    const dir = path.join(root.dir, 'big');
    await mkdir(dir);
    const gone = await deadPid();
    for (let i = 0; i < 20_000; i++) {
      const name = i % 4 === 0 ? `.capture_${String(i).padStart(9, '0')}.json.tmp-${gone}-0a1b2c3d` : `capture_${String(i).padStart(9, '0')}.json`;
      await writeFile(path.join(dir, name), '');
    }
    expect(await removeDeadWritersTempFiles(dir)).toBe(5_000);
    expect(await readdir(dir)).toHaveLength(15_000);
    expect(await removeDeadWritersTempFiles(path.join(root.dir, 'missing'))).toBe(0);
  }, 60_000);
});

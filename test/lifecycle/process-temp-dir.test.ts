import { execa } from 'execa';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDeadProcessTempDirs } from '../../src/core/lifecycle/process-temp-dir.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-tmproot-')));
afterEach(async () => cleanup());

async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

describe('process temp dir', () => {
  it('removes folders of dead pids only: not live ones, not ours, not symlinks, not other names', async () => {
    const dead = await deadPid();
    const sleeper = execa('sleep', ['60']);
    try {
      await mkdir(path.join(dir, `vpt-${dead}`, 'sub'), { recursive: true });
      await writeFile(path.join(dir, `vpt-${dead}`, 'sub', 'concat_list.txt'), 'x');
      await mkdir(path.join(dir, `vpt-${sleeper.pid}`));
      await mkdir(path.join(dir, `vpt-${process.pid}`));
      await mkdir(path.join(dir, 'vpt-test-abc'));
      const target = path.join(dir, 'precious');
      await mkdir(target);
      await symlink(target, path.join(dir, `vpt-${dead + 1_000_000}`));

      const removed = await removeDeadProcessTempDirs(dir);
      expect(removed).toEqual([path.join(dir, `vpt-${dead}`)]);
      expect((await readdir(dir)).sort()).toEqual(['precious', `vpt-${dead + 1_000_000}`, `vpt-${process.pid}`, `vpt-${sleeper.pid}`, 'vpt-test-abc'].sort());
    } finally {
      sleeper.kill('SIGKILL');
      await sleeper.catch(() => undefined);
    }
  });
});

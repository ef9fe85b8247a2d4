import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { resolveStateDir } from '../../src/core/lifecycle/state-dir.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-statedir-')));
afterEach(async () => cleanup());

describe('resolveStateDir', () => {
  it('takes --state-dir first, then VPT_STATE_DIR, creating the folder', async () => {
    const flag = path.join(dir, 'flag', 'nested');
    const env = { VPT_STATE_DIR: path.join(dir, 'env') };
    expect(await resolveStateDir({ flag, env, systemDir: path.join(dir, 'sys') })).toEqual({ dir: flag, source: 'flag' });
    expect((await stat(flag)).isDirectory()).toBe(true);
    expect(await resolveStateDir({ env, systemDir: path.join(dir, 'sys') })).toEqual({ dir: env.VPT_STATE_DIR, source: 'env' });
  });

  it('uses the system dir when it can be created', async () => {
    const systemDir = path.join(dir, 'var', 'lib', 'vpt');
    expect(await resolveStateDir({ env: {}, systemDir })).toEqual({ dir: systemDir, source: 'system' });
  });

  it('falls back to $XDG_STATE_HOME/vpt, else ~/.local/state/vpt, when the system dir is unusable', async () => {
    // A regular file where a parent folder should be: mkdir fails even for root.
    await writeFile(path.join(dir, 'blocker'), '');
    const systemDir = path.join(dir, 'blocker', 'vpt');
    const xdg = path.join(dir, 'xdg');
    expect(await resolveStateDir({ env: { XDG_STATE_HOME: xdg }, systemDir })).toEqual({ dir: path.join(xdg, 'vpt'), source: 'user' });
    const home = path.join(dir, 'home');
    expect(await resolveStateDir({ env: {}, systemDir, homeDir: home })).toEqual({ dir: path.join(home, '.local/state/vpt'), source: 'user' });
  });

  it('refuses an explicit state dir that is a file, naming it and the flag', async () => {
    const file = path.join(dir, 'file');
    await writeFile(file, '');
    await expect(resolveStateDir({ flag: path.join(file, 'sub'), env: {} })).rejects.toThrow(UsageError);
    await expect(resolveStateDir({ flag: path.join(file, 'sub'), env: {} })).rejects.toThrow(/--state-dir/);
  });
});

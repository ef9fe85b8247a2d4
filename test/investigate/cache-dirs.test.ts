import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/** --cache-dirs through the real binary: sizes in the sample, an alert when one grows between samples. */
describe('health sample: cache folders', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-cache-dirs-');
    await mkdir(path.join(tmp.dir, 'stream'));
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    await tmp.cleanup();
  });

  const sample = async (extra: string[]) => {
    const run = await runVpt(
      ['investigate', '--health', '--json', '--log-dir', path.join(tmp.dir, 'log'), '--stream-root', path.join(tmp.dir, 'stream'), ...extra],
      {
        env: { TMPDIR: tmp.dir },
      },
    );
    expect(run.stderr).toBe('');
    return {
      exitCode: run.exitCode,
      sample: JSON.parse(run.stdout) as { cache_dirs?: { path: string; bytes: number; grown_bytes?: number }[]; alerts: { key: string; message: string }[] },
    };
  };

  it('a glob: sizes each match, then warns when one grew 1 MiB or more since the last sample', async () => {
    const farm = path.join(tmp.dir, 'farm');
    for (const app of ['a', 'b']) await mkdir(path.join(farm, app, '__pycache__'), { recursive: true });
    await writeFile(path.join(farm, 'a/__pycache__/x.cpython-311.pyc'), Buffer.alloc(64 * 1024, 1));
    const args = ['--processes', 'no-such-process', '--cache-dirs', `${farm}/*/__pycache__`];
    const first = await sample(args);
    expect(first.sample.cache_dirs!.map((c) => c.path)).toEqual([path.join(farm, 'a/__pycache__'), path.join(farm, 'b/__pycache__')]);
    expect(first.sample.cache_dirs![0]!.bytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(first.sample.alerts.filter((a) => a.key.startsWith('cache:'))).toEqual([]);
    await writeFile(path.join(farm, 'b/__pycache__/big.cpython-311.pyc'), Buffer.alloc(2 * 1024 * 1024, 1));
    const second = await sample(args);
    expect(second.exitCode).toBe(1);
    const b = second.sample.cache_dirs!.find((c) => c.path.endsWith('b/__pycache__'))!;
    expect(b.grown_bytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(second.sample.alerts.map((a) => a.key)).toContain(`cache:${path.join(farm, 'b/__pycache__')}`);
    expect(second.sample.cache_dirs!.find((c) => c.path.endsWith('a/__pycache__'))!.grown_bytes).toBe(0);
  });

  it("default: the __pycache__ beside a tracked process's script", async () => {
    const code = path.join(tmp.dir, 'opt-farm');
    await mkdir(path.join(code, '__pycache__'), { recursive: true });
    await writeFile(path.join(code, '__pycache__/m.pyc'), Buffer.alloc(8192, 1));
    const script = path.join(code, 'vpt_cache_probe_test.py');
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', script], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    const { sample: s } = await sample(['--processes', 'vpt_cache_probe_test']);
    expect(s.cache_dirs!.map((c) => c.path)).toEqual([path.join(code, '__pycache__')]);
  });
});

import { execa } from 'execa';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';

/**
 * bin/load-bundle.cjs runs dist/cli.cjs and dist/health.cjs with the V8 code cache the build wrote
 * (scripts/bundle.mjs). The cache must be taken when it fits, and must never change what runs when
 * it does not: missing, damaged, or from another build.
 */
const CACHES = ['kept', 'missing', 'truncated', 'foreign'] as const;
type Cache = (typeof CACHES)[number];

describe('the bundles and their code cache', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-code-cache-');
  });
  afterEach(() => tmp.cleanup());

  const cacheUsed = async (root: string, bundle: string): Promise<boolean> => {
    const script = `const { loadBundle } = require(${JSON.stringify(path.join(root, 'bin/load-bundle.cjs'))}); process.stdout.write(String(loadBundle(${JSON.stringify(bundle)}).cacheUsed));`;
    const run = await execa(process.execPath, ['-e', script], { timeout: 20_000 });
    return run.stdout === 'true';
  };

  it('the build made a cache for each bundle, named in the bundle, and this Node takes it', async () => {
    for (const bundle of ['cli.cjs', 'health.cjs']) {
      const source = await readFile(path.join(REPO_ROOT, 'dist', bundle), 'latin1');
      const name = /\/\/# vpt-code-cache=(\S+)\n$/.exec(source)?.[1];
      expect(name, bundle).toMatch(new RegExp(`^${bundle.replace('.', '\\.')}\\.[0-9a-f]{16}\\.cache$`));
      expect(await readdir(path.join(REPO_ROOT, 'dist'))).toContain(name);
      expect(await cacheUsed(REPO_ROOT, bundle), bundle).toBe(true);
    }
    // Only the current build's caches are left in dist/.
    expect((await readdir(path.join(REPO_ROOT, 'dist'))).filter((f) => f.endsWith('.cache'))).toHaveLength(2);
  });

  it('the bundles are ASCII (the loader reads them as latin1)', async () => {
    for (const bundle of ['cli.cjs', 'health.cjs']) {
      const bytes = await readFile(path.join(REPO_ROOT, 'dist', bundle));
      expect(
        bytes.findIndex((b) => b > 0x7f),
        bundle,
      ).toBe(-1);
    }
  });

  /**
   * A copy of the launcher and the full CLI's bundle, with its cache as `cache` says: kept, missing,
   * cut short (a disk that filled up), or another bundle's (the health entry's, under this one's name).
   */
  async function copyInstall(cache: Cache): Promise<string> {
    const root = path.join(tmp.dir, cache);
    await mkdir(path.join(root, 'bin'), { recursive: true });
    await mkdir(path.join(root, 'dist'));
    for (const file of ['bin/vpt', 'bin/load-bundle.cjs', 'bin/package.json', 'package.json', 'dist/cli.cjs']) {
      await copyFile(path.join(REPO_ROOT, file), path.join(root, file));
    }
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    const source = await readFile(path.join(root, 'dist/cli.cjs'), 'latin1');
    const name = /\/\/# vpt-code-cache=(\S+)\n$/.exec(source)![1];
    if (cache === 'kept') await copyFile(path.join(REPO_ROOT, 'dist', name), path.join(root, 'dist', name));
    if (cache === 'truncated') {
      const good = await readFile(path.join(REPO_ROOT, 'dist', name));
      await writeFile(path.join(root, 'dist', name), good.subarray(0, good.length >> 1));
    }
    if (cache === 'foreign') {
      const health = await readFile(path.join(REPO_ROOT, 'dist/health.cjs'), 'latin1');
      await copyFile(path.join(REPO_ROOT, 'dist', /\/\/# vpt-code-cache=(\S+)\n$/.exec(health)![1]), path.join(root, 'dist', name));
    }
    return root;
  }

  it('runs the same with the cache, without it, and with one cut short or made for other code (V8 refuses those)', async () => {
    const outputs: string[] = [];
    for (const cache of CACHES) {
      const root = await copyInstall(cache);
      expect(await cacheUsed(root, 'cli.cjs'), cache).toBe(cache === 'kept');
      const run = await execa(process.execPath, [path.join(root, 'bin/vpt'), 'tmp-clean', '--help'], { reject: false, timeout: 20_000 });
      expect(run.exitCode, `${cache}: ${run.stderr}`).toBe(0);
      expect(run.stderr).toBe('');
      outputs.push(run.stdout);
    }
    expect(outputs[0]).toContain('Usage: vpt tmp-clean');
    expect(new Set(outputs).size).toBe(1);
    await rm(path.join(tmp.dir, 'kept'), { recursive: true });
  });

  it('a missing bundle is one line and exit 2', async () => {
    const root = await copyInstall('missing');
    await rm(path.join(root, 'dist/cli.cjs'));
    const run = await execa(process.execPath, [path.join(root, 'bin/vpt'), 'status'], { reject: false, timeout: 20_000 });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: cannot load dist/cli.cjs (ENOENT); run "npm run build" first');
  });
});

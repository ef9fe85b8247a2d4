import { execa } from 'execa';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';

/**
 * bin/load-bundle.cjs runs dist/cli.cjs and dist/health.cjs, and execa from dist/execa.cjs, with the
 * V8 code cache the build wrote (scripts/bundle.mjs). The cache must be taken when it fits, and must never change what runs when
 * it does not: missing, damaged, or from another build or another Node, which must never reach V8.
 */
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

  const BUNDLES = ['cli.cjs', 'health.cjs', 'execa.cjs'];

  it('the build made a cache for each bundle, named in the bundle, and this Node takes it', async () => {
    for (const bundle of BUNDLES) {
      const source = await readFile(path.join(REPO_ROOT, 'dist', bundle), 'latin1');
      const name = /\/\/# vpt-code-cache=(\S+)\n$/.exec(source)?.[1];
      expect(name, bundle).toMatch(new RegExp(`^${bundle.replace('.', '\\.')}\\.[0-9a-f]{16}\\.cache$`));
      expect(await readdir(path.join(REPO_ROOT, 'dist'))).toContain(name);
      expect(await cacheUsed(REPO_ROOT, bundle), bundle).toBe(true);
    }
    // Only the current build's caches are left in dist/.
    expect((await readdir(path.join(REPO_ROOT, 'dist'))).filter((f) => f.endsWith('.cache'))).toHaveLength(BUNDLES.length);
  });

  it('the bundles are ASCII (the loader reads them as latin1)', async () => {
    for (const bundle of BUNDLES) {
      const bytes = await readFile(path.join(REPO_ROOT, 'dist', bundle));
      expect(
        bytes.findIndex((b) => b > 0x7f),
        bundle,
      ).toBe(-1);
    }
  });

  /**
   * How a copy's caches are spoilt: kept as built, missing, 64 bytes flipped near the start (past the
   * header line, into V8's own header and first objects), in the middle or at the end, cut short (a
   * disk that filled up), the other bundle's cache under this one's name, or a header naming another
   * Node. Flipped bytes crashed node before the header's hash (SIGTRAP, SIGSEGV; issue 27).
   */
  const DAMAGES = ['kept', 'missing', 'flipped-start', 'flipped-middle', 'flipped-end', 'truncated', 'foreign', 'other-node'] as const;
  type Damage = (typeof DAMAGES)[number];
  const FLIP_BYTES = 64;
  const cacheOf = (source: string): string => /\/\/# vpt-code-cache=(\S+)\n$/.exec(source)![1];

  function spoil(good: Buffer, foreign: Buffer, damage: Damage): Buffer | undefined {
    const flip = (at: number): Buffer => {
      const bad = Buffer.from(good);
      for (let i = at; i < at + FLIP_BYTES; i++) bad[i] ^= 0xa5;
      return bad;
    };
    if (damage === 'kept') return good;
    if (damage === 'missing') return undefined;
    if (damage === 'flipped-start') return flip(200);
    if (damage === 'flipped-middle') return flip(good.length >> 1);
    if (damage === 'flipped-end') return flip(good.length - FLIP_BYTES);
    if (damage === 'truncated') return good.subarray(0, good.length >> 1);
    if (damage === 'foreign') return foreign;
    return Buffer.from(good.toString('latin1').replace(` ${process.version} `, ' v19.0.0 '), 'latin1');
  }

  /**
   * A copy of the launcher and the bundles, their caches spoilt as `damage` says (each bundle's
   * "foreign" cache is the next bundle's). Its node_modules has every package but execa: the CLI must
   * take execa from dist/execa.cjs.
   */
  async function copyInstall(damage: Damage): Promise<string> {
    const root = path.join(tmp.dir, damage);
    await mkdir(path.join(root, 'bin'), { recursive: true });
    await mkdir(path.join(root, 'dist'));
    await mkdir(path.join(root, 'node_modules'));
    for (const file of ['bin/vpt', 'bin/load-bundle.cjs', 'bin/build-checkout.cjs', 'bin/package.json', 'package.json', ...BUNDLES.map((b) => `dist/${b}`)]) {
      await copyFile(path.join(REPO_ROOT, file), path.join(root, file));
    }
    for (const name of await readdir(path.join(REPO_ROOT, 'node_modules'))) {
      if (name !== 'execa') await symlink(path.join(REPO_ROOT, 'node_modules', name), path.join(root, 'node_modules', name));
    }
    const names = await Promise.all(BUNDLES.map(async (b) => cacheOf(await readFile(path.join(root, 'dist', b), 'latin1'))));
    const caches = await Promise.all(names.map((name) => readFile(path.join(REPO_ROOT, 'dist', name))));
    for (const [i, name] of names.entries()) {
      const bytes = spoil(caches[i], caches[(i + 1) % caches.length], damage);
      if (bytes !== undefined) await writeFile(path.join(root, 'dist', name), bytes);
    }
    return root;
  }

  /** `vpt --help`, `vpt status` and `vpt investigate --health` (the timer's command) from a copy. */
  async function runAll(root: string, damage: Damage): Promise<string[]> {
    // The same folders for every copy: the status line names them.
    const work = path.join(tmp.dir, 'work');
    await rm(work, { recursive: true, force: true });
    await mkdir(path.join(work, 'stream'), { recursive: true });
    const vpt = (args: string[]) =>
      execa(process.execPath, [path.join(root, 'bin/vpt'), ...args], { reject: false, timeout: 20_000, env: { NO_COLOR: '1', TMPDIR: work } });
    const help = await vpt(['--help']);
    const status = await vpt(['status', '--state-dir', path.join(work, 'state')]);
    const health = await vpt([
      'investigate',
      '--health',
      '--stream-root',
      path.join(work, 'stream'),
      '--log-dir',
      path.join(work, 'log'),
      '--prom',
      path.join(work, 'vpt.prom'),
      // No tracked process: another test's `vpt monitor` would come and go between the runs.
      '--processes',
      'vpt-code-cache-test-none',
    ]);
    // A replay asks ffmpeg whether it is there through execa: from the bundle, as node_modules has none.
    const replay = await vpt(['monitor', '--replay', '--stream-root', path.join(work, 'stream')]);
    expect(replay.stderr, damage).not.toContain('audio checks off');
    expect(replay.stderr, damage).toContain('no devices under');
    expect([help.exitCode, status.exitCode], `${damage}: ${help.stderr}${status.stderr}`).toEqual([0, 3]);
    // 0, 1 or 2 by the machine's load and memory (Nagios); 3 or a signal would be a sample that did not run.
    expect([0, 1, 2], `${damage}: ${health.stderr}`).toContain(health.exitCode);
    expect(help.stderr + health.stderr, damage).toBe('');
    // A sample's figures (load, memory) move between runs; its checks and their order do not.
    const healthShape = health.stdout.replace(/^VPT HEALTH \w+/, 'VPT HEALTH').replace(/\d+(\.\d+)?[A-Za-z%]*/g, 'N');
    return [help.stdout, status.stdout, status.stderr, healthShape, replay.stdout.replace(/\d+ms/, 'Nms'), replay.stderr];
  }

  it('runs the same with its cache, without it, and with one damaged, cut short or made for other code or another Node', async () => {
    const outputs = new Map<Damage, string[]>();
    for (const damage of DAMAGES) {
      const root = await copyInstall(damage);
      for (const bundle of BUNDLES) expect(await cacheUsed(root, bundle), `${damage} ${bundle}`).toBe(damage === 'kept');
      outputs.set(damage, await runAll(root, damage));
    }
    const kept = outputs.get('kept')!;
    expect(kept[0]).toContain('Usage: vpt');
    expect(kept[1]).toContain('VPT UNKNOWN');
    expect(kept[3]).toMatch(/^VPT HEALTH - load N/);
    for (const damage of DAMAGES) expect(outputs.get(damage), damage).toEqual(kept);
  }, 120_000);

  it('a missing bundle is one line and exit 2', async () => {
    const root = await copyInstall('missing');
    await rm(path.join(root, 'dist/cli.cjs'));
    const run = await execa(process.execPath, [path.join(root, 'bin/vpt'), 'status'], { reject: false, timeout: 20_000 });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: cannot load dist/cli.cjs (ENOENT); run "npm run build" first');
  });
});

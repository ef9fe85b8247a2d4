import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';

/**
 * The 30 s health sample runs one bundled file (dist/health.cjs, scripts/bundle.mjs, loaded by
 * bin/load-bundle.cjs) and nothing
 * heavy: no sharp, SQLite, commander or prom-client, not even the full CLI. A --require preload
 * records, at exit, every CommonJS file the process loaded (sharp, better-sqlite3, commander and
 * prom-client are all CommonJS: imported or required, they land in require.cache).
 */
describe('the health entry loads one file of vpt and no heavy module', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let preload: string;
  let log: string;
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-health-bundle-');
    log = path.join(tmp.dir, 'modules.json');
    preload = path.join(tmp.dir, 'record-modules.cjs');
    await writeFile(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    await mkdir(path.join(tmp.dir, 'stream/capture1/hot'), { recursive: true });
  });
  afterEach(() => tmp.cleanup());

  const loaded = (): string[] => JSON.parse(readFileSync(log, 'utf8')) as string[];

  it('a sample with --prom and --json', async () => {
    const run = await runVpt(
      [
        'investigate',
        '--health',
        '--json',
        '--log-dir',
        path.join(tmp.dir, 'log'),
        '--stream-root',
        path.join(tmp.dir, 'stream'),
        '--prom',
        path.join(tmp.dir, 'vpt.prom'),
      ],
      { env: { NODE_OPTIONS: `--require ${preload}`, TMPDIR: tmp.dir } },
    );
    expect(run.exitCode, run.stderr).toBeLessThan(3);
    expect(JSON.parse(run.stdout).hot_folders).toHaveLength(1);
    expect(readFileSync(path.join(tmp.dir, 'vpt.prom'), 'utf8')).toContain('vpt_health_status');
    const files = loaded();
    expect(files.filter((f) => !f.endsWith(`${path.sep}${path.basename(preload)}`))).toEqual([
      path.join(REPO_ROOT, 'bin/vpt'),
      path.join(REPO_ROOT, 'bin/load-bundle.cjs'),
      path.join(REPO_ROOT, 'dist/health.cjs'),
    ]);
    expect(files.join('\n')).not.toMatch(/node_modules\/(sharp|better-sqlite3|commander|prom-client)\//);
  });

  it('the same probe sees a CommonJS package the process requires (it can see a heavy module at all)', async () => {
    const run = await runVpt(['--version'], { env: { NODE_OPTIONS: `--require ${preload} --require better-sqlite3` } });
    expect(run.exitCode).toBe(0);
    expect(loaded().join('\n')).toMatch(/node_modules\/better-sqlite3\//);
  });

  it('the bundle holds none of them either (so no code path of a sample can reach them)', () => {
    const bundle = readFileSync(path.join(REPO_ROOT, 'dist/health.cjs'), 'utf8');
    for (const name of ['sharp', 'better-sqlite3', 'commander', 'prom-client', 'execa']) {
      expect(bundle).not.toMatch(new RegExp(`require\\("${name}"\\)|from "${name}"|node_modules/${name}/`));
    }
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPromFile } from '../../src/core/metrics/textfile-dir.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/** `--prom` with no file: vpt.prom in node_exporter's textfile folder that exists, Debian's first (issue 25). */
describe('--prom default folder', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-prom-default-');
  });
  afterEach(() => tmp.cleanup());

  const DEBIAN = 'var/lib/prometheus/node-exporter';
  const UPSTREAM = 'var/lib/node_exporter/textfile_collector';

  it("prefers Debian's folder, takes upstream's when it is the only one, skips a file of that name", async () => {
    await mkdir(path.join(tmp.dir, UPSTREAM), { recursive: true });
    expect(defaultPromFile(tmp.dir)).toBe(`/${UPSTREAM}/vpt.prom`);
    await mkdir(path.join(tmp.dir, 'var/lib/prometheus'), { recursive: true });
    await writeFile(path.join(tmp.dir, DEBIAN), 'not a folder');
    expect(defaultPromFile(tmp.dir)).toBe(`/${UPSTREAM}/vpt.prom`);
    const other = path.join(tmp.dir, 'other');
    await mkdir(path.join(other, DEBIAN), { recursive: true });
    await mkdir(path.join(other, UPSTREAM), { recursive: true });
    expect(defaultPromFile(other)).toBe(`/${DEBIAN}/vpt.prom`);
  });

  it('the installed timer samples into the folder found in the --root tree; none found is one line, exit 2', async () => {
    const none = await runVpt(['investigate', '--install', '--dry-run', '--root', tmp.dir, '--prom']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr.trim()).toBe(
      `vpt: --prom: no node_exporter textfile folder under ${tmp.dir} (looked for /${DEBIAN} and /${UPSTREAM}); install prometheus-node-exporter or give the file, e.g. --prom /path/vpt.prom`,
    );
    await mkdir(path.join(tmp.dir, DEBIAN), { recursive: true });
    const run = await runVpt(['investigate', '--install', '--dry-run', '--root', tmp.dir, '--prom']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^ +ExecStart=.* investigate --health .*--prom /${DEBIAN}/vpt\\.prom$`, 'm'));
    // A file given still wins, and --prom before another flag takes no value from it.
    const given = await runVpt(['investigate', '--install', '--dry-run', '--root', tmp.dir, '--prom', '--cron']);
    expect(given.stdout).toMatch(new RegExp(`--prom /${DEBIAN}/vpt\\.prom$`, 'm'));
  });
});

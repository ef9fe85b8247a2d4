import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * `vpt setup` staged with --root into a temp tree (a live run would write the host's /etc and run
 * systemctl): what it writes, that systemd accepts every unit, that a second run changes nothing,
 * that --dry-run writes nothing, and that --uninstall removes exactly what it installed.
 */
const UNITS = ['vpt-monitor.service', 'vpt-health.service', 'vpt-health.timer', 'vpt-tmp-clean.service', 'vpt-tmp-clean.timer'];
const SYSTEMD_ANALYZE = existsSync('/usr/bin/systemd-analyze');

/** Every file and folder under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : '')).sort();
}

describe('vpt setup --root', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-setup-');
    root = path.join(tmp.dir, 'image');
    // An image with two capture folders, Debian's node exporter, and a unit of its own.
    await mkdir(path.join(root, 'var/www/html/stream/capture1'), { recursive: true });
    await mkdir(path.join(root, 'var/www/html/stream/capture2'));
    await mkdir(path.join(root, 'var/lib/prometheus/node-exporter'), { recursive: true });
    await mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
    await writeFile(path.join(root, 'etc/systemd/system/other.service'), '[Service]\nExecStart=/bin/true\n');
  });
  afterEach(() => tmp.cleanup());

  it('writes the service, both timers, the journald drop-in and the folders; systemd-analyze verify accepts every unit', async () => {
    const run = await runVpt(['setup', '--root', root]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const system = path.join(root, 'etc/systemd/system');
    expect((await readdir(system)).sort()).toEqual(['other.service', ...UNITS].sort());
    const monitor = await readFile(path.join(system, 'vpt-monitor.service'), 'utf8');
    expect(monitor).toMatch(new RegExp(`^ExecStart=${process.execPath} \\S+/bin/vpt monitor --devices capture1,capture2$`, 'm'));
    expect(monitor).toContain('# Installed by `vpt setup`; remove with `vpt setup --uninstall`.');
    const health = await readFile(path.join(system, 'vpt-health.service'), 'utf8');
    expect(health).toMatch(
      /^ExecStart=.* investigate --health -q --log-dir \/var\/log\/vpt --stream-root \/var\/www\/html\/stream --prom \/var\/lib\/prometheus\/node-exporter\/vpt\.prom$/m,
    );
    expect(await readFile(path.join(system, 'vpt-health.timer'), 'utf8')).toContain('OnUnitActiveSec=30s');
    expect(await readFile(path.join(system, 'vpt-tmp-clean.service'), 'utf8')).toMatch(/^ExecStart=.* tmp-clean -q$/m);
    expect(await readFile(path.join(system, 'vpt-tmp-clean.timer'), 'utf8')).toContain('OnUnitActiveSec=10min');
    expect(await readFile(path.join(root, 'etc/systemd/journald.conf.d/60-vpt-limits.conf'), 'utf8')).toContain('RuntimeMaxUse=100M');
    for (const dir of ['var/lib/vpt', 'var/log/vpt']) expect((await stat(path.join(root, dir))).isDirectory()).toBe(true);
    expect(run.stdout).toContain('devices: capture1, capture2 (found under /var/www/html/stream)');
    if (!SYSTEMD_ANALYZE) return;
    // systemd's own parser: unknown keys or bad values are warnings on stderr with exit 0.
    const verify = await execa('systemd-analyze', ['verify', ...UNITS.map((u) => path.join(system, u))], { reject: false, timeout: 60_000 });
    expect(verify.stderr).toBe('');
    expect(verify.exitCode).toBe(0);
  });

  it('a second run changes nothing and says so', async () => {
    expect((await runVpt(['setup', '--root', root, '--devices', 'capture1'])).exitCode).toBe(0);
    const before = await Promise.all(UNITS.map(async (u) => (await stat(path.join(root, 'etc/systemd/system', u))).mtimeMs));
    const again = await runVpt(['setup', '--root', root, '--devices', 'capture1']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('everything is already in place: nothing changed');
    expect(again.stdout).not.toMatch(/^(wrote|created|removed) /m);
    expect(await Promise.all(UNITS.map(async (u) => (await stat(path.join(root, 'etc/systemd/system', u))).mtimeMs))).toEqual(before);
    // A changed setting rewrites only the file it is in.
    const changed = await runVpt(['setup', '--root', root, '--devices', 'capture2']);
    expect(changed.stdout.split('\n').filter((l) => l.startsWith('wrote '))).toEqual([
      `wrote ${root}/etc/systemd/system/vpt-monitor.service`,
      `wrote ${root}/etc/vpt/setup-manifest.json`,
    ]);
  });

  it('--dry-run prints every file and writes nothing', async () => {
    const before = await tree(root);
    const run = await runVpt(['setup', '--root', root, '--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await tree(root)).toEqual(before);
    for (const unit of UNITS) expect(run.stdout).toContain(`would write ${root}/etc/systemd/system/${unit}`);
    expect(run.stdout).toContain(`would create ${root}/var/lib/vpt/`);
    expect(run.stdout).toMatch(/^ {4}ExecStart=.* monitor --devices capture1,capture2$/m);
  });

  it('--uninstall removes exactly what setup installed, keeps what the operator changed or the monitor wrote', async () => {
    const before = await tree(root);
    expect((await runVpt(['setup', '--root', root])).exitCode).toBe(0);
    // The monitor's data, and an edit to one unit.
    await writeFile(path.join(root, 'var/lib/vpt/incidents.db'), 'data');
    await appendFile(path.join(root, 'etc/systemd/system/vpt-tmp-clean.timer'), '# mine\n');
    const run = await runVpt(['setup', '--root', root, '--uninstall']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain(`kept ${root}/etc/systemd/system/vpt-tmp-clean.timer: changed since vpt setup wrote it`);
    expect(run.stdout).toContain(`kept ${root}/var/lib/vpt: not empty (incidents.db)`);
    expect(await tree(root)).toEqual(
      [...before, 'etc/systemd/system/vpt-tmp-clean.timer', 'var/lib/vpt/', 'var/lib/vpt/incidents.db', 'var/lib/', 'var/']
        .filter((v, i, a) => a.indexOf(v) === i)
        .sort(),
    );
    // Nothing left to remove: said, exit 0.
    const again = await runVpt(['setup', '--root', root, '--uninstall']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('vpt setup has not installed anything here');
  });

  it('uninstalling a clean install leaves the tree exactly as it was', async () => {
    const before = await tree(root);
    expect((await runVpt(['setup', '--root', root])).exitCode).toBe(0);
    expect((await tree(root)).length).toBeGreaterThan(before.length);
    const run = await runVpt(['setup', '--root', root, '--uninstall']);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await tree(root)).toEqual(before);
  });

  it('--cron: cron.d files instead of timers, no service, no drop-in', async () => {
    const run = await runVpt(['setup', '--root', root, '--cron']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await readdir(path.join(root, 'etc/cron.d'))).sort()).toEqual(['vpt-health', 'vpt-tmp-clean']);
    expect(await readFile(path.join(root, 'etc/cron.d/vpt-tmp-clean'), 'utf8')).toMatch(/^\*\/10 \* \* \* \* root \S+ \S+\/bin\/vpt tmp-clean -q$/m);
    expect(await readdir(path.join(root, 'etc/systemd/system'))).toEqual(['other.service']);
    expect(existsSync(path.join(root, 'etc/systemd/journald.conf.d'))).toBe(false);
  });

  it('a --root that is not a folder is one line, exit 2', async () => {
    for (const bad of [path.join(tmp.dir, 'missing'), path.join(root, 'etc/systemd/system/other.service')]) {
      const run = await runVpt(['setup', '--root', bad]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim()).toBe(`vpt: --root: ${bad} is not a folder; create it first, e.g. mkdir -p ${bad}`);
    }
  });

  it('a manifest that is not one is one line, exit 2, and nothing is removed', async () => {
    await mkdir(path.join(root, 'etc/vpt'));
    await writeFile(
      path.join(root, 'etc/vpt/setup-manifest.json'),
      JSON.stringify({ version: 1, files: [{ path: '/etc/../etc/passwd', sha256: 'x' }], dirs: [], units: [] }),
    );
    const run = await runVpt(['setup', '--root', root, '--uninstall']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(`vpt: ${root}/etc/vpt/setup-manifest.json is not a vpt setup manifest; remove it by hand if vpt did not write it`);
  });
});

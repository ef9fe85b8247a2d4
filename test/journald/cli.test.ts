import { execa } from 'execa';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt, VPT_BIN } from '../helpers/run-vpt.js';
import { ETC_D, RPI_VOLATILE, RPI_VOLATILE_TEXT, USR_D, snapshotTree, writeTree } from './fake-root.js';
import { installFakeSystemctl } from './fake-systemctl.js';

/** Tier 3: the real binary on a fake root (build first: npx tsc -p tsconfig.build.json). */

let dir: string;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-journald-cli-'));
  root = path.join(dir, 'root');
  await fs.mkdir(root);
});
afterEach(() => cleanup());

const DROP_IN = `${ETC_D}/60-vpt-limits.conf`;
const EXPECTED_DROP_IN = [
  '# Written by `vpt journald-limits --apply`: keeps the systemd journal bounded in RAM and on disk.',
  '# Re-run that command to change these values; edits made here are overwritten.',
  '[Journal]',
  'SystemMaxUse=500M',
  'SystemKeepFree=1G',
  'SystemMaxFileSize=50M',
  'SystemMaxFiles=10',
  'RuntimeMaxUse=100M',
  'MaxRetentionSec=1week',
  'MaxFileSec=1day',
  'RateLimitIntervalSec=30s',
  'RateLimitBurst=10000',
  '',
].join('\n');
const COMPLIANT = EXPECTED_DROP_IN.replace(/^#.*\n/gm, '');

const vpt = (...args: string[]) => runVpt(['journald-limits', '--root', root, ...args]);
const json = async (...args: string[]) => {
  const run = await vpt('--json', ...args);
  return { ...run, doc: JSON.parse(run.stdout) as Record<string, any> };
};

describe('vpt journald-limits check mode', () => {
  it('exit 1 on a bare root with a disk journal: unset sizes are not compliant; the report names each limit and its source', async () => {
    await writeTree(root, { 'var/log/journal/.keep': '' });
    const { exitCode, stdout } = await vpt();
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/^ {2}SystemMaxUse +unset +<= 500M +not compliant +from default/m);
    expect(stdout).toMatch(/^ {2}RateLimitBurst +unset +<= 10000 +ok +from default/m);
    expect(stdout).toContain('Not compliant: 7 of 9 counted limits. Fix: sudo vpt journald-limits --apply');
  });

  it('exit 0 when every limit is within the recommendation, with the value and file for each', async () => {
    await writeTree(root, { [`${USR_D}/50-site.conf`]: COMPLIANT, 'var/log/journal/.keep': '' });
    const { exitCode, doc } = await json();
    expect(exitCode).toBe(0);
    expect(doc.compliant).toBe(true);
    expect(doc.storage).toMatchObject({ mode: 'auto', location: 'disk', source: 'default' });
    const source = path.join(root, USR_D, '50-site.conf');
    expect(doc.limits.map((l: any) => [l.key, l.current, l.source, l.status])).toEqual(
      COMPLIANT.split('\n')
        .slice(1, -1)
        .map((line) => [line.split('=')[0], line.split('=')[1], source, 'ok']),
    );
    expect(doc.settings.SystemMaxUse).toEqual({ value: '500M', source, line: 2 });
  });

  it('a recommendation can be tightened by its flag: the same config then fails', async () => {
    await writeTree(root, { [`${USR_D}/50-site.conf`]: COMPLIANT, 'var/log/journal/.keep': '' });
    const { exitCode, doc } = await json('--system-max-use', '200M');
    expect(exitCode).toBe(1);
    expect(doc.limits[0]).toMatchObject({ key: 'SystemMaxUse', recommended: '200M', current: '500M', status: 'not compliant' });
  });

  it('Raspberry Pi OS (Storage=volatile): says the journal is in RAM, System* limits do not count, --persistent changes it', async () => {
    await writeTree(root, { [RPI_VOLATILE]: RPI_VOLATILE_TEXT, [`${ETC_D}/50-site.conf`]: COMPLIANT.replace('SystemMaxUse=500M', 'SystemMaxUse=8G') });
    const { exitCode, stdout } = await vpt();
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Storage=volatile: the journal lives only in RAM (/run/log/journal)');
    expect(stdout).toContain('only the Runtime* limits (RuntimeMaxUse) bound it');
    expect(stdout).toContain('--apply --persistent');
    expect(stdout).toMatch(/SystemMaxUse +8G +<= 500M +not counted/);
    const withRuntime = await writeTree(root, { [`${ETC_D}/70-more.conf`]: '[Journal]\nRuntimeMaxUse=1G\n' }).then(() => json());
    expect(withRuntime.exitCode).toBe(1);
    expect(withRuntime.doc.storage).toMatchObject({ mode: 'volatile', location: 'ram', source: path.join(root, RPI_VOLATILE) });
  });

  it('Storage=auto without /var/log/journal is called out as RAM-only too', async () => {
    const { stdout } = await vpt();
    expect(stdout).toContain('Storage=auto and /var/log/journal does not exist: the journal lives only in RAM');
  });

  it('reports the journal usage in RAM (run/log/journal) and on disk (var/log/journal)', async () => {
    await writeTree(root, {
      'run/log/journal/0123abcd/system.journal': 'r'.repeat(200_000),
      'run/log/journal/0123abcd/user-1000.journal': 'u'.repeat(5_000),
      'var/log/journal/0123abcd/system@0001.journal': 'd'.repeat(70_000),
    });
    const { doc } = await json();
    expect(doc.usage.ram).toMatchObject({ path: path.join(root, 'run/log/journal'), exists: true, files: 2, apparent_bytes: 205_000, truncated: false });
    expect(doc.usage.ram.bytes).toBeGreaterThanOrEqual(205_000);
    expect(doc.usage.disk).toMatchObject({ exists: true, files: 1, apparent_bytes: 70_000 });
    const human = await vpt();
    expect(human.stdout).toMatch(/^Usage +RAM \d+K in .*run\/log\/journal \(2 files\); disk \d+K in .*var\/log\/journal \(1 file\)$/m);
  });

  it('a missing --root is a usage error', async () => {
    const { exitCode, stderr } = await runVpt(['journald-limits', '--root', path.join(dir, 'nope')]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^vpt: --root: .*nope is not a folder/);
  });
});

describe('vpt journald-limits --apply --root', () => {
  it('writes exactly the design keys, 0644, then verifies compliant; a second run is byte-identical and "unchanged"', async () => {
    await writeTree(root, { 'var/log/journal/.keep': '' });
    const first = await vpt('--apply');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Wrote ${path.join(root, DROP_IN)}`);
    expect(first.stdout).toContain('Compliant: all 9 counted limits');
    const file = path.join(root, DROP_IN);
    expect(await fs.readFile(file, 'utf8')).toBe(EXPECTED_DROP_IN);
    const before = await fs.stat(file);
    expect(before.mode & 0o777).toBe(0o644);

    const second = await vpt('--apply');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain(`${file} unchanged`);
    const after = await fs.stat(file);
    expect(await fs.readFile(file, 'utf8')).toBe(EXPECTED_DROP_IN);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
    expect(await fs.readdir(path.dirname(file))).toEqual(['60-vpt-limits.conf']);
  });

  it('never edits journald.conf, and writes the flags in canonical systemd form', async () => {
    const main = '[Journal]\n#SystemMaxUse=\nSystemMaxUse=8G\n';
    await writeTree(root, { 'etc/systemd/journald.conf': main });
    const { exitCode } = await vpt('--apply', '--system-max-use', '1gib', '--max-retention-sec', ' 2d  12h ', '--rate-limit-burst', '0500');
    // The journal is in RAM (auto, no var/log/journal), so the 8G SystemMaxUse of journald.conf does not count.
    expect(exitCode).toBe(0);
    const text = await fs.readFile(path.join(root, DROP_IN), 'utf8');
    expect(text).toContain('\nSystemMaxUse=1G\n');
    expect(text).toContain('\nMaxRetentionSec=2d 12h\n');
    expect(text).toContain('\nRateLimitBurst=500\n');
    expect(await fs.readFile(path.join(root, 'etc/systemd/journald.conf'), 'utf8')).toBe(main);
  });

  it('--persistent adds Storage=persistent (overriding the Raspberry Pi volatile drop-in) and creates var/log/journal', async () => {
    await writeTree(root, { [RPI_VOLATILE]: RPI_VOLATILE_TEXT });
    const { exitCode, doc } = await json('--apply', '--persistent');
    expect(exitCode).toBe(0);
    expect(await fs.readFile(path.join(root, DROP_IN), 'utf8')).toBe(EXPECTED_DROP_IN.replace(/\n$/, '\nStorage=persistent\n'));
    expect((await fs.stat(path.join(root, 'var/log/journal'))).isDirectory()).toBe(true);
    expect(doc.storage).toMatchObject({ mode: 'persistent', location: 'disk', source: path.join(root, DROP_IN) });
    expect(doc.drop_in).toMatchObject({ changed: true, journal_dir: { path: path.join(root, 'var/log/journal'), created: true } });
    expect(doc.restart).toEqual({ attempted: false, skipped: 'root' });
  });

  it('verification reports a later drop-in that overrides vpt (exit 1)', async () => {
    await writeTree(root, { 'var/log/journal/.keep': '', [`${USR_D}/90-site.conf`]: '[Journal]\nSystemMaxUse=4G\n' });
    const { exitCode, stdout } = await vpt('--apply');
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/SystemMaxUse +4G +<= 500M +not compliant +from .*90-site\.conf/);
    expect(stdout).toContain('The drop-in is in place, but the effective settings are still not compliant');
  });

  it('--dry-run prints the file and writes nothing', async () => {
    await writeTree(root, { [RPI_VOLATILE]: RPI_VOLATILE_TEXT });
    const before = await snapshotTree(root);
    const { exitCode, stdout } = await vpt('--apply', '--dry-run', '--persistent');
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`Would write ${path.join(root, DROP_IN)}:`);
    expect(stdout).toContain(EXPECTED_DROP_IN.replace(/\n$/, '\nStorage=persistent'));
    expect(stdout).toContain('Would create');
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('under --root systemctl is never called, even when the file changed', async () => {
    const fake = await installFakeSystemctl(path.join(dir, 'bin'), 0);
    const { exitCode } = await runVpt(['journald-limits', '--root', root, '--apply'], { env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` } });
    expect(exitCode).toBe(0);
    expect(existsSync(path.join(root, DROP_IN))).toBe(true);
    expect(await fake.calls()).toEqual([]);
  });
});

describe('vpt journald-limits refuses bad values before writing anything', () => {
  const SIZE_BAD = ['10%', '5M\nStorage=none', '1=2', 'abc', '-1', '5X', '0', ''];
  const TIME_BAD = ['10%', '1day\nStorage=none', '1=2', 'abc', '-1', '1fortnight', '0', ''];
  const COUNT_BAD = ['10%', '10\nStorage=none', '1=2', 'abc', '-1', '1.5', '0', ''];
  it.each([
    ['--system-max-use', SIZE_BAD],
    ['--system-keep-free', SIZE_BAD],
    ['--system-max-file-size', SIZE_BAD],
    ['--system-max-files', COUNT_BAD],
    ['--runtime-max-use', SIZE_BAD],
    ['--max-retention-sec', TIME_BAD],
    ['--max-file-sec', TIME_BAD],
    ['--rate-limit-interval-sec', TIME_BAD],
    ['--rate-limit-burst', COUNT_BAD],
  ])('%s', async (flag, values) => {
    await writeTree(root, { [RPI_VOLATILE]: RPI_VOLATILE_TEXT });
    const before = await snapshotTree(root);
    for (const value of values) {
      const { exitCode, stdout, stderr } = await vpt('--apply', '--persistent', `${flag}=${value}`);
      expect({ value, exitCode }).toEqual({ value, exitCode: 2 });
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.startsWith(`vpt: ${flag}: `)).toBe(true);
      expect(await snapshotTree(root)).toEqual(before);
    }
  });
});

describe('vpt journald-limits --apply on the live system', () => {
  it('not root and no --root: a clear error suggesting sudo, exit 2, nothing written', async () => {
    const target = '/etc/systemd/journald.conf.d/60-vpt-limits.conf';
    const existed = existsSync(target);
    const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', VPT_BIN, 'journald-limits', '--apply'], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      'vpt: writing /etc/systemd/journald.conf.d/60-vpt-limits.conf needs root: run `sudo vpt journald-limits --apply` (or --dry-run to see the file)',
    );
    expect(existsSync(target)).toBe(existed);
  });

  /**
   * The restart path needs the real /etc: it runs in a private mount namespace
   * where a temp folder is bind-mounted over /etc/systemd (the host's config
   * is never touched), with a stand-in systemctl first on PATH.
   */
  async function applyInNamespace(etcSystemd: string, env: Record<string, string>, ...args: string[]) {
    const script = 'mount --bind "$0" /etc/systemd && exec "$@"';
    return execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, etcSystemd, VPT_BIN, 'journald-limits', '--apply', ...args], {
      reject: false,
      env: { NO_COLOR: '1', ...env },
    });
  }

  it('a failed restart is reported (exit 1), the drop-in stays; an unchanged file is not restarted again', async () => {
    expect(existsSync('/etc/systemd'), 'this test bind-mounts over /etc/systemd, which must exist').toBe(true);
    const etcSystemd = path.join(dir, 'etc-systemd');
    await fs.mkdir(etcSystemd);
    const bin = path.join(dir, 'bin');
    const fake = await installFakeSystemctl(bin, 1, 'System has not been booted with systemd as init system (PID 1). Can not operate.');
    const env = { PATH: `${bin}:${process.env.PATH}` };

    const first = await applyInNamespace(etcSystemd, env);
    expect(first.exitCode).toBe(1);
    expect(first.stderr.trim()).toBe(
      'vpt: systemctl restart systemd-journald failed (exit 1: System has not been booted with systemd as init system (PID 1). Can not operate.); ' +
        'the drop-in /etc/systemd/journald.conf.d/60-vpt-limits.conf stays in place: run `sudo systemctl restart systemd-journald` (or reboot) for it to take effect',
    );
    expect(await fake.calls()).toEqual(['restart systemd-journald']);
    expect(await fs.readFile(path.join(etcSystemd, 'journald.conf.d/60-vpt-limits.conf'), 'utf8')).toBe(EXPECTED_DROP_IN);

    const second = await applyInNamespace(etcSystemd, env);
    expect(second.stdout).toContain('unchanged');
    expect(second.stdout).toContain('Not restarting systemd-journald: nothing changed');
    expect(await fake.calls()).toEqual(['restart systemd-journald']);
  });

  it('--no-restart writes the file without calling systemctl', async () => {
    const etcSystemd = path.join(dir, 'etc-systemd');
    await fs.mkdir(etcSystemd);
    const bin = path.join(dir, 'bin');
    const fake = await installFakeSystemctl(bin, 0);
    const run = await applyInNamespace(etcSystemd, { PATH: `${bin}:${process.env.PATH}` }, '--no-restart');
    expect(run.stdout).toContain('Not restarting systemd-journald (--no-restart)');
    expect(await fake.calls()).toEqual([]);
    expect(await fs.readFile(path.join(etcSystemd, 'journald.conf.d/60-vpt-limits.conf'), 'utf8')).toBe(EXPECTED_DROP_IN);
  });
});

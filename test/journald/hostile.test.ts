import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { ETC_D, writeTree } from './fake-root.js';

/** Tier 3, issue 16 items 12 and 13: the real binary on a fake root with hostile links and values. */

let dir: string;
let root: string;
let host: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-journald-hostile-'));
  root = path.join(dir, 'root');
  // Stands for the host's real /etc/systemd/journald.conf.d that an image's absolute link names.
  host = path.join(dir, 'host');
  await fs.mkdir(root);
  await fs.mkdir(host);
});
afterEach(() => cleanup());

const vpt = (...args: string[]) => runVpt(['journald-limits', '--root', root, ...args]);

describe('journald-limits --root never writes through a symlink out of the root (item 12)', () => {
  it.each([
    ['the drop-in folder', ETC_D, () => host],
    ['etc itself', 'etc', () => host],
    ['a relative link climbing out', ETC_D, () => path.relative(path.join(root, 'etc/systemd'), host)],
  ])('%s as a link out: one line, exit 2, nothing written outside', async (_, link, target) => {
    await fs.mkdir(path.dirname(path.join(root, link)), { recursive: true });
    await fs.symlink(target(), path.join(root, link));
    for (const args of [['--apply'], ['--dry-run']]) {
      const run = await vpt(...args);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^vpt: --root: .* is a symlink to .*, outside --root; refusing to follow it/);
      expect(await fs.readdir(host)).toEqual([]);
    }
  });

  it('--persistent with var/log as an absolute link out: refused, no journal folder made outside', async () => {
    await fs.mkdir(path.join(root, 'var'));
    await fs.symlink(host, path.join(root, 'var/log'));
    const run = await vpt('--apply', '--persistent');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^vpt: --root: .*var\/log is a symlink to .*, outside --root/);
    expect(await fs.readdir(host)).toEqual([]);
  });

  it('a link that stays inside the root is followed: the drop-in lands in its target, in the root', async () => {
    await writeTree(root, { 'usr/lib/systemd/journald.conf.d/.keep': '', 'var/log/journal/.keep': '' });
    await fs.mkdir(path.join(root, 'etc/systemd'), { recursive: true });
    await fs.symlink('../../usr/lib/systemd/journald.conf.d', path.join(root, ETC_D));
    const run = await vpt('--apply');
    expect(run.stderr).toBe('');
    expect(existsSync(path.join(root, 'usr/lib/systemd/journald.conf.d/60-vpt-limits.conf'))).toBe(true);
  });
});

describe('journald-limits refuses values systemd would read as something else (item 13)', () => {
  it.each([
    [['--rate-limit-interval-sec', '0.5us'], /^vpt: --rate-limit-interval-sec: "0\.5us" is below 1ms/],
    [['--max-retention-sec', '0.9ms'], /^vpt: --max-retention-sec: "0\.9ms" is below 1ms/],
    [['--max-retention-sec', '99999999999999999999years'], /^vpt: --max-retention-sec: "99999999999999999999years" is beyond systemd's range/],
    [['--max-file-sec', '600000years'], /^vpt: --max-file-sec: "600000years" is beyond systemd's range/],
    [['--rate-limit-burst', '4294967296'], /^vpt: --rate-limit-burst: 4294967296 is out of range \(1\.\.4294967295\)/],
    [['--system-max-files', '0'], /^vpt: --system-max-files: "0" would not bound the journal/],
    [['--system-max-files', '4294967296'], /^vpt: --system-max-files: 4294967296 is out of range \(1\.\.4294967295\)/],
  ])('%j: one line, exit 2, nothing written', async (args, message) => {
    const run = await vpt('--apply', ...args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(path.join(root, 'etc'))).toBe(false);
  });

  it('a config file with RateLimitIntervalSec=0.5us is rate limiting off, not compliant', async () => {
    await writeTree(root, { [`${ETC_D}/50-site.conf`]: '[Journal]\nRateLimitIntervalSec=0.5us\n' });
    const run = await vpt('--json');
    const limit = (JSON.parse(run.stdout) as { limits: { key: string; status: string; reason: string }[] }).limits.find(
      (l) => l.key === 'RateLimitIntervalSec',
    );
    expect(limit).toMatchObject({ status: 'not compliant', reason: '0 turns this limit off' });
  });

  it("a config value beyond systemd's range is one journald ignores: its default is what counts", async () => {
    await writeTree(root, { [`${ETC_D}/50-site.conf`]: '[Journal]\nMaxFileSec=99999999999999999999years\n' });
    const run = await vpt('--json');
    const limit = (JSON.parse(run.stdout) as { limits: { key: string; status: string; reason: string }[] }).limits.find((l) => l.key === 'MaxFileSec');
    expect(limit).toMatchObject({ status: 'not compliant', reason: expect.stringMatching(/beyond systemd's range: journald ignores it/) });
  });
});

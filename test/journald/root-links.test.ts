import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { ETC_D, USR_D, writeTree } from './fake-root.js';

/**
 * Issue 27 item 10: `journald-limits --root` (check mode) classified and read
 * drop-ins through symlinks as this host sees them, so an image's absolute
 * link read this host's files. Links now resolve inside the root, as systemd
 * reads an image: an absolute target is taken under the root, `..` stops at it.
 */
let dir: string;
let root: string;
let host: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-journald-root-links-'));
  root = path.join(dir, 'root');
  // Stands for this host's own files, which an image's absolute links must never reach.
  host = path.join(dir, 'host');
  await writeTree(host, { 'secret.conf': '[Journal]\nSystemMaxUse=1K\n', 'journald.conf.d/10-host.conf': '[Journal]\nSystemKeepFree=7K\n' });
  await fs.mkdir(root);
});
afterEach(() => cleanup());

interface Inspection {
  files: { drop_ins: { name: string; status: string; path: string }[] };
  settings: Record<string, { value: string; source: string }>;
}

async function check(): Promise<Inspection> {
  const run = await runVpt(['journald-limits', '--root', root, '--json']);
  expect(run.stderr).not.toMatch(/unexpected error/);
  return JSON.parse(run.stdout) as Inspection;
}

describe('journald-limits --root resolves links inside the root', () => {
  it("a drop-in linked to an absolute path of this host is not read (it names the image's path, missing there)", async () => {
    await fs.mkdir(path.join(root, ETC_D), { recursive: true });
    await fs.symlink(path.join(host, 'secret.conf'), path.join(root, ETC_D, '50-host.conf'));
    const r = await check();
    expect(r.settings.SystemMaxUse).toBeUndefined();
    expect(r.files.drop_ins.map((d) => `${d.status} ${d.name}`)).toEqual(['ignored 50-host.conf']);
  });

  it("an absolute link to the image's own file reads the image's file, under the root", async () => {
    await writeTree(root, { 'usr/share/vpt/site.conf': '[Journal]\nSystemMaxUse=2G\n' });
    await fs.mkdir(path.join(root, ETC_D), { recursive: true });
    await fs.symlink('/usr/share/vpt/site.conf', path.join(root, ETC_D, '50-site.conf'));
    const r = await check();
    expect(r.settings.SystemMaxUse).toMatchObject({ value: '2G', source: path.join(root, ETC_D, '50-site.conf') });
  });

  it('a relative link climbing out stops at the root', async () => {
    await writeTree(root, { 'secret.conf': '[Journal]\nSystemMaxUse=3G\n' });
    await fs.mkdir(path.join(root, ETC_D), { recursive: true });
    // ../../../../.. from etc/systemd/journald.conf.d leaves the root on this host; under the root it is the root itself.
    await fs.symlink('../../../../../secret.conf', path.join(root, ETC_D, '50-up.conf'));
    const r = await check();
    expect(r.settings.SystemMaxUse).toMatchObject({ value: '3G' });
  });

  it("the drop-in folder linked to this host's folder lists nothing of this host", async () => {
    await fs.mkdir(path.join(root, 'etc/systemd'), { recursive: true });
    await fs.symlink(path.join(host, 'journald.conf.d'), path.join(root, ETC_D));
    await writeTree(root, { [`${USR_D}/40-image.conf`]: '[Journal]\nRuntimeMaxUse=20M\n' });
    const r = await check();
    expect(r.settings.SystemKeepFree).toBeUndefined();
    expect(r.files.drop_ins.map((d) => d.name)).toEqual(['40-image.conf']);
  });

  it('a link to /dev/null still masks the name', async () => {
    await writeTree(root, { [`${USR_D}/40-rpi-volatile-storage.conf`]: '[Journal]\nStorage=volatile\n' });
    await fs.mkdir(path.join(root, ETC_D), { recursive: true });
    await fs.symlink('/dev/null', path.join(root, ETC_D, '40-rpi-volatile-storage.conf'));
    const r = await check();
    expect(r.settings.Storage).toBeUndefined();
    expect(r.files.drop_ins.map((d) => `${d.status} ${d.name}`)).toEqual(['disabled 40-rpi-volatile-storage.conf', 'shadowed 40-rpi-volatile-storage.conf']);
  });
});

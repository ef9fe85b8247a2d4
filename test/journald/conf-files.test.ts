import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listJournaldConfFiles } from '../../src/core/journald/conf-files.js';
import { resolveJournaldConfig } from '../../src/core/journald/effective-config.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { ETC_D, LOCAL_D, RPI_VOLATILE, RPI_VOLATILE_TEXT, RUN_D, USR_D, writeTree } from './fake-root.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-journald-')));
afterEach(() => cleanup());

const value = async (key: string) => {
  const s = (await resolveJournaldConfig(root)).settings.get(key);
  return s && { value: s.value, source: path.relative(root, s.source) };
};

describe('journald config resolution on a fake root', () => {
  it('no files at all: nothing set, no main file', async () => {
    const config = await resolveJournaldConfig(root);
    expect(config.files).toEqual({ main: undefined, dropIns: [] });
    expect(config.settings.size).toBe(0);
  });

  it('main file: /etc first, else /run, /usr/local/lib, /usr/lib', async () => {
    await writeTree(root, { 'usr/lib/systemd/journald.conf': '[Journal]\nSystemMaxUse=1G\n' });
    expect(await value('SystemMaxUse')).toEqual({ value: '1G', source: 'usr/lib/systemd/journald.conf' });
    await writeTree(root, { 'etc/systemd/journald.conf': '[Journal]\n#SystemMaxUse=\nRuntimeMaxUse=64M\n' });
    // Only the first main file found is read: /usr/lib's value no longer counts.
    expect(await value('SystemMaxUse')).toBeUndefined();
    expect(await value('RuntimeMaxUse')).toEqual({ value: '64M', source: 'etc/systemd/journald.conf' });
  });

  it('drop-ins override the main file and apply by file name across all four folders', async () => {
    await writeTree(root, {
      'etc/systemd/journald.conf': '[Journal]\nSystemMaxUse=4G\nRuntimeMaxUse=1G\nMaxFileSec=1month\n',
      [`${USR_D}/90-late.conf`]: '[Journal]\nSystemMaxUse=300M\n',
      [`${ETC_D}/10-early.conf`]: '[Journal]\nSystemMaxUse=2G\nRuntimeMaxUse=50M\n',
      [`${RUN_D}/50-mid.conf`]: '[Journal]\nRuntimeMaxUse=70M\n',
      [`${LOCAL_D}/20-local.conf`]: '[Journal]\nMaxFileSec=1day\n',
    });
    expect(await value('SystemMaxUse')).toEqual({ value: '300M', source: `${USR_D}/90-late.conf` });
    expect(await value('RuntimeMaxUse')).toEqual({ value: '70M', source: `${RUN_D}/50-mid.conf` });
    expect(await value('MaxFileSec')).toEqual({ value: '1day', source: `${LOCAL_D}/20-local.conf` });
    const names = (await listJournaldConfFiles(root)).dropIns.map((d) => d.name);
    expect(names).toEqual(['10-early.conf', '20-local.conf', '50-mid.conf', '90-late.conf']);
  });

  it('a name in /etc masks the same name in /usr/lib, /run masks /usr/local/lib', async () => {
    await writeTree(root, {
      [`${USR_D}/50-x.conf`]: '[Journal]\nSystemMaxUse=9G\nRateLimitBurst=1\n',
      [`${ETC_D}/50-x.conf`]: '[Journal]\nSystemMaxUse=100M\n',
      [`${LOCAL_D}/60-y.conf`]: '[Journal]\nRuntimeMaxUse=9G\n',
      [`${RUN_D}/60-y.conf`]: '[Journal]\nRuntimeMaxUse=10M\n',
    });
    expect(await value('SystemMaxUse')).toEqual({ value: '100M', source: `${ETC_D}/50-x.conf` });
    // The masked file is not read at all, not merged: its RateLimitBurst does not leak through.
    expect(await value('RateLimitBurst')).toBeUndefined();
    expect(await value('RuntimeMaxUse')).toEqual({ value: '10M', source: `${RUN_D}/60-y.conf` });
    const files = await listJournaldConfFiles(root);
    expect(files.dropIns.filter((d) => d.status === 'shadowed').map((d) => [path.relative(root, d.path), path.relative(root, d.by!)])).toEqual([
      [`${USR_D}/50-x.conf`, `${ETC_D}/50-x.conf`],
      [`${LOCAL_D}/60-y.conf`, `${RUN_D}/60-y.conf`],
    ]);
  });

  it('a symlink to /dev/null in /etc disables that name (the Raspberry Pi volatile drop-in)', async () => {
    await writeTree(root, { [RPI_VOLATILE]: RPI_VOLATILE_TEXT });
    expect(await value('Storage')).toEqual({ value: 'volatile', source: RPI_VOLATILE });
    await fs.mkdir(path.join(root, ETC_D), { recursive: true });
    await fs.symlink('/dev/null', path.join(root, ETC_D, '40-rpi-volatile-storage.conf'));
    expect(await value('Storage')).toBeUndefined();
    const statuses = (await listJournaldConfFiles(root)).dropIns.map((d) => `${d.status} ${path.relative(root, d.path)}`);
    expect(statuses).toEqual([`disabled ${ETC_D}/40-rpi-volatile-storage.conf`, `shadowed ${RPI_VOLATILE}`]);
  });

  it('an empty file disables the name too; a dangling link or a folder named *.conf hides nothing', async () => {
    await writeTree(root, {
      [`${USR_D}/50-a.conf`]: '[Journal]\nSystemMaxUse=1G\n',
      [`${ETC_D}/50-a.conf`]: '',
      [`${USR_D}/60-b.conf`]: '[Journal]\nRuntimeMaxUse=20M\n',
      [`${ETC_D}/70-c.conf/inner`]: 'x',
    });
    await fs.symlink(path.join(root, 'missing-target'), path.join(root, ETC_D, '60-b.conf'));
    expect(await value('SystemMaxUse')).toBeUndefined();
    expect(await value('RuntimeMaxUse')).toEqual({ value: '20M', source: `${USR_D}/60-b.conf` });
    const statuses = (await listJournaldConfFiles(root)).dropIns.map((d) => `${d.status} ${d.name}`);
    expect(statuses).toEqual(['disabled 50-a.conf', 'shadowed 50-a.conf', 'used 60-b.conf', 'ignored 60-b.conf', 'ignored 70-c.conf']);
  });

  it('a later name wins whatever its folder: 60-vpt-limits.conf in /etc beats 40-rpi in /usr/lib, 99-site in /usr/lib beats both', async () => {
    await writeTree(root, {
      [RPI_VOLATILE]: RPI_VOLATILE_TEXT,
      [`${ETC_D}/60-vpt-limits.conf`]: '[Journal]\nStorage=persistent\nSystemMaxUse=500M\n',
    });
    expect(await value('Storage')).toEqual({ value: 'persistent', source: `${ETC_D}/60-vpt-limits.conf` });
    await writeTree(root, { [`${USR_D}/99-site.conf`]: '[Journal]\nSystemMaxUse=2G\n' });
    expect(await value('SystemMaxUse')).toEqual({ value: '2G', source: `${USR_D}/99-site.conf` });
  });

  it('skips hidden files and names not ending in .conf (editor backups, atomic-write temp files)', async () => {
    await writeTree(root, {
      [`${ETC_D}/.60-vpt-limits.conf.tmp-1-ab`]: '[Journal]\nSystemMaxUse=1K\n',
      [`${ETC_D}/.hidden.conf`]: '[Journal]\nSystemMaxUse=2K\n',
      [`${ETC_D}/50-x.conf~`]: '[Journal]\nSystemMaxUse=3K\n',
      [`${ETC_D}/50-x.conf.dpkg-old`]: '[Journal]\nSystemMaxUse=4K\n',
    });
    expect((await resolveJournaldConfig(root)).settings.size).toBe(0);
  });

  it('refuses more drop-ins than the bound instead of reading them all', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`${i < 3 ? ETC_D : USR_D}/${10 + i}-n.conf`] = '[Journal]\nRateLimitBurst=1\n';
    await writeTree(root, files);
    expect((await listJournaldConfFiles(root, 6)).dropIns).toHaveLength(6);
    await expect(listJournaldConfFiles(root, 5)).rejects.toThrow(/more than 5 journald drop-ins/);
  });
});

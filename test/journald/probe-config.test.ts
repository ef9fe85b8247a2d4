import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournaldSettings } from '../../src/core/probes/journald-config.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { ETC_D, USR_D, writeTree } from './fake-root.js';

/**
 * Issue 14: the investigate probe and journald-limits read journald.conf with one
 * parser and one search path, so both see what journald sees.
 */
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const tmp = await makeTempDir('vpt-journald-probe-');
  root = tmp.dir;
  cleanup = tmp.cleanup;
});
afterEach(() => cleanup());

const values = async () => Object.fromEntries([...(await readJournaldSettings(root))].map(([k, v]) => [k, `${v.value} @ ${path.relative(root, v.file)}`]));

describe('readJournaldSettings (the probe) reads config as journald does', () => {
  it('finds the main journald.conf in /usr/lib when /etc has none (the search path)', async () => {
    await writeTree(root, { 'usr/lib/systemd/journald.conf': '[Journal]\nStorage=volatile\n' });
    expect(await values()).toEqual({ Storage: 'volatile @ usr/lib/systemd/journald.conf' });
  });

  it('joins a line ending in a backslash with the next', async () => {
    await writeTree(root, { [`${ETC_D}/50-a.conf`]: '[Journal]\nRuntimeMaxUse=\\\n64M\n' });
    expect(await values()).toEqual({ RuntimeMaxUse: `64M @ ${ETC_D}/50-a.conf` });
  });

  it('an empty drop-in in /etc masks the vendor one of the same name; an empty value resets a key', async () => {
    await writeTree(root, {
      [`${USR_D}/40-rpi.conf`]: '[Journal]\nStorage=volatile\n',
      [`${ETC_D}/40-rpi.conf`]: '',
      [`${USR_D}/50-b.conf`]: '[Journal]\nRuntimeMaxUse=64M\n',
      [`${ETC_D}/60-c.conf`]: '[Journal]\nRuntimeMaxUse=\n',
    });
    expect(await values()).toEqual({});
  });
});

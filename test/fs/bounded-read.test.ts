import { execa } from 'execa';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundedFile, readBoundedFileSync, RefusedFileError } from '../../src/core/fs/bounded-read.js';
import { makeTempDir } from '../helpers/run-vpt.js';

describe('readBoundedFile / readBoundedFileSync', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-bounded-read-');
  });
  afterAll(() => tmp.cleanup());

  const both = async (file: string, max: number) => [
    await readBoundedFile(file, max).catch((e: unknown) => e),
    (() => {
      try {
        return readBoundedFileSync(file, max);
      } catch (e) {
        return e;
      }
    })(),
  ];

  it('reads a regular file up to and including the bound', async () => {
    const file = path.join(tmp.dir, 'ten');
    await writeFile(file, '0123456789');
    expect(await both(file, 10)).toEqual(['0123456789', '0123456789']);
    for (const err of await both(file, 9)) expect(err).toMatchObject({ kind: 'too-large', reason: '10 bytes, more than 9' });
  });

  it('refuses a FIFO with no writer at once (non-blocking open, fstat on the same descriptor)', async () => {
    const fifo = path.join(tmp.dir, 'fifo');
    await execa('mkfifo', [fifo]);
    for (const err of await both(fifo, 1024)) expect(err).toMatchObject({ kind: 'not-regular', reason: 'not a regular file (a FIFO)' });
  });

  it('refuses /dev/zero behind a symlink, and a folder', async () => {
    const zero = path.join(tmp.dir, 'zero.json');
    await symlink('/dev/zero', zero);
    for (const err of await both(zero, 1024)) expect(err).toMatchObject({ kind: 'not-regular', reason: 'not a regular file (a character device)' });
    for (const err of await both(tmp.dir, 1024)) expect(err).toBeInstanceOf(RefusedFileError);
  });

  it('reads a regular file that is longer than fstat said (a /proc file: size 0), but never past the bound', async () => {
    const [text, textSync] = await both('/proc/self/status', 1024 * 1024);
    expect(text).toMatch(/^Name:/);
    expect(textSync).toMatch(/^Name:/);
    for (const err of await both('/proc/self/status', 100)) expect(err).toMatchObject({ kind: 'too-large', reason: 'grew past 100 bytes while read' });
  });

  it('passes fs errors through (ENOENT)', async () => {
    for (const err of await both(path.join(tmp.dir, 'none'), 10)) expect(err).toMatchObject({ code: 'ENOENT' });
  });
});

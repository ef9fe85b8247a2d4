import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/fs/atomic-write.js';
import { REPO_ROOT } from '../helpers/run-vpt.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vpt-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the content, with the requested mode, leaving no temp file', async () => {
    const target = path.join(dir, 'out.json');
    await writeFile(target, 'old');
    await writeFileAtomic(target, '{"new":true}', { mode: 0o640 });
    expect(await readFile(target, 'utf8')).toBe('{"new":true}');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('without fsync too: replaces the content with the requested mode, leaving no temp file', async () => {
    const target = path.join(dir, 'frame.json');
    await writeFile(target, 'old', { mode: 0o600 });
    await writeFileAtomic(target, '{"new":true}\n', { fsync: false });
    expect(await readFile(target, 'utf8')).toBe('{"new":true}\n');
    expect((await stat(target)).mode & 0o777).toBe(0o644);
    await writeFileAtomic(target, 'x', { fsync: false, mode: 0o640 });
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['frame.json']);
  });

  it('without fsync: a failed write leaves the old file and no temp file', async () => {
    await expect(writeFileAtomic(path.join(dir, 'sub', 'frame.json'), 'x', { fsync: false })).rejects.toThrow(/ENOENT/);
    const target = path.join(dir, 'frame.json');
    await writeFile(target, 'old');
    // Renaming over a non-empty folder fails after the temp file was written: it must be removed.
    await mkdir(path.join(dir, 'folder'));
    await writeFile(path.join(dir, 'folder', 'inside'), '');
    await expect(writeFileAtomic(path.join(dir, 'folder'), 'x', { fsync: false })).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect((await readdir(dir)).sort()).toEqual(['folder', 'frame.json']);
    expect(await readFile(target, 'utf8')).toBe('old');
  });

  it('leaves the old file and no temp file when the write fails', async () => {
    const target = path.join(dir, 'sub', 'missing-folder.json');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  /**
   * Root ignores folder permissions: as root (CI) the write runs in a child as nobody (65534),
   * through setpriv and the built module, in a folder nobody owns but may not write.
   */
  it('fails without touching the target in a folder it cannot write', async () => {
    const target = path.join(dir, 'locked.json');
    await writeFile(target, 'old');
    if (process.getuid?.() !== 0) {
      await chmod(dir, 0o500);
      await expect(writeFileAtomic(target, 'new')).rejects.toThrow(/EACCES/);
      await chmod(dir, 0o700);
    } else {
      await chmod(dir, 0o555); // readable and traversable by nobody, writable by no one but root
      await chmod(target, 0o644);
      const script = `import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist/core/fs/atomic-write.js')).href)}).then(({ writeFileAtomic }) => writeFileAtomic(process.argv[1], 'new')).then(() => console.log('written'), (err) => console.log(err.code))`;
      const run = await execa('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '-e', script, target], {
        reject: false,
        timeout: 20_000,
      });
      expect(run.stdout, run.stderr).toBe('EACCES');
    }
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['locked.json']);
  });
});

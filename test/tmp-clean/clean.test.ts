import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readlink, rename, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VptError } from '../../src/core/errors.js';
import { cleanTmp, type CleanOptions } from '../../src/core/tmp-clean/clean.js';
import { devMajorMinor } from '../../src/core/tmp-clean/proc-locks.js';
import { MAX_TREE_DEPTH } from '../../src/core/tmp-clean/remove-tree.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** Tier 2: the core on real files in a temp folder; the test seam swaps files between check and removal. */
let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let dir: string;
let outside: string;
const SECRET = 'must survive\n';

beforeEach(async () => {
  tmp = await makeTempDir();
  dir = path.join(tmp.dir, 'clean');
  outside = path.join(tmp.dir, 'outside');
  await mkdir(dir);
  await mkdir(outside);
  await writeFile(path.join(outside, 'precious.txt'), SECRET);
});
afterEach(() => tmp.cleanup());

const clean = (extra: Partial<CleanOptions> = {}) => cleanTmp({ dir, olderThanMs: 0, ...extra });
const leftover = (name: string, body = 'x'.repeat(100)) => writeFile(path.join(dir, name), body);

describe('a file swapped between the checks and the removal', () => {
  it('for a symlink to a file outside: skipped as changed, nothing outside touched, the link stays', async () => {
    await leftover('cap1_audio_check.ts');
    const result = await clean({
      beforeRemove: async (c) => {
        await unlink(path.join(dir, c.name.toString()));
        await symlink(path.join(outside, 'precious.txt'), path.join(dir, c.name.toString()));
      },
    });
    expect(result.removed).toEqual([]);
    expect(result.skipped).toEqual([{ path: path.join(dir, 'cap1_audio_check.ts'), reason: 'changed' }]);
    expect(result.errors).toEqual([]);
    expect(readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe(SECRET);
    expect(await readlink(path.join(dir, 'cap1_audio_check.ts'))).toBe(path.join(outside, 'precious.txt'));
  });

  it('for another regular file under the same name: skipped, the new file stays', async () => {
    await leftover('cap1_concat_list.txt');
    const result = await clean({
      beforeRemove: async (c) => {
        await writeFile(path.join(dir, 'replacement'), 'new');
        await rename(path.join(dir, 'replacement'), path.join(dir, c.name.toString()));
      },
    });
    expect(result.skipped.map((s) => s.reason)).toEqual(['changed']);
    expect(readFileSync(path.join(dir, 'cap1_concat_list.txt'), 'utf8')).toBe('new');
  });

  it('a vpt-<pid> folder swapped for a symlink to a folder outside: skipped, outside untouched', async () => {
    await mkdir(path.join(dir, 'vpt-4194302'));
    const result = await clean({
      isPidAlive: () => false,
      beforeRemove: async (c) => {
        await rename(path.join(dir, c.name.toString()), path.join(tmp.dir, 'moved-away'));
        await symlink(outside, path.join(dir, c.name.toString()));
      },
    });
    expect(result.skipped.map((s) => s.reason)).toEqual(['changed']);
    expect(readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe(SECRET);
  });

  it('a file removed by someone else mid-run is "vanished", not an error', async () => {
    await leftover('a_audio_check.ts');
    const result = await clean({ beforeRemove: (c) => unlink(path.join(dir, c.name.toString())) });
    expect(result.skipped.map((s) => s.reason)).toEqual(['vanished']);
    expect(result.errors).toEqual([]);
  });
});

describe('checks made once per run', () => {
  async function fakeProc(locks = ''): Promise<string> {
    const proc = path.join(tmp.dir, 'proc');
    await mkdir(path.join(proc, '4242', 'fd'), { recursive: true });
    await writeFile(path.join(proc, 'locks'), locks);
    return proc;
  }

  it('a file in the lock table is skipped as locked (fake procfs root)', async () => {
    await leftover('a_audio_check.ts');
    const st = lstatSync(path.join(dir, 'a_audio_check.ts'), { bigint: true });
    const { major, minor } = devMajorMinor(st.dev);
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    const procRoot = await fakeProc(`1: FLOCK  ADVISORY  WRITE 4242 ${hex(major)}:${hex(minor)}:${st.ino} 0 EOF\n`);
    const result = await clean({ procRoot });
    expect(result.skipped.map((s) => s.reason)).toEqual(['locked']);
    expect(existsSync(path.join(dir, 'a_audio_check.ts'))).toBe(true);
  });

  it('a file some fd points at is skipped as in use (fake procfs root)', async () => {
    await leftover('a_audio_check.ts');
    await leftover('b_audio_check.ts');
    const procRoot = await fakeProc();
    await symlink(path.join(dir, 'a_audio_check.ts'), path.join(procRoot, '4242', 'fd', '7'));
    await symlink('pipe:[1234]', path.join(procRoot, '4242', 'fd', '8'));
    const result = await clean({ procRoot });
    expect(result.skipped).toEqual([{ path: path.join(dir, 'a_audio_check.ts'), reason: 'in-use' }]);
    expect(result.removed.map((r) => r.path)).toEqual([path.join(dir, 'b_audio_check.ts')]);
  });

  it('without a readable procfs nothing is removed', async () => {
    await leftover('a_audio_check.ts');
    await expect(clean({ procRoot: path.join(tmp.dir, 'no-proc') })).rejects.toThrow(VptError);
    expect(existsSync(path.join(dir, 'a_audio_check.ts'))).toBe(true);
  });

  it('age is the newest of mtime and ctime: an mtime set back does not make a file old', async () => {
    await leftover('a_audio_check.ts');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(path.join(dir, 'a_audio_check.ts'), twoDaysAgo, twoDaysAgo);
    const result = await clean({ olderThanMs: 3_600_000 });
    expect(result.skipped.map((s) => s.reason)).toEqual(['young']);
    // The same file, judged one day later by an injected clock, is old enough.
    const later = await clean({ olderThanMs: 3_600_000, now: () => Date.now() + 86_400_000 });
    expect(later.removed).toHaveLength(1);
  });

  it('files of another uid are skipped unless the uid is root', async () => {
    await leftover('a_audio_check.ts');
    const owner = statSync(path.join(dir, 'a_audio_check.ts')).uid;
    expect((await clean({ uid: owner + 1 })).skipped.map((s) => s.reason)).toEqual(['other-user']);
    expect((await clean({ uid: 0 })).removed).toHaveLength(1);
  });
});

describe('bounds', () => {
  it(`removes at most maxCandidates entries per run and says it stopped`, async () => {
    for (let i = 0; i < 5; i++) await leftover(`${i}_audio_check.ts`);
    await leftover('unrelated.txt');
    const result = await clean({ maxCandidates: 3 });
    expect(result.truncated).toBe(true);
    expect(result.removed).toHaveLength(3);
    const rest = await clean({ maxCandidates: 3 });
    expect(rest.truncated).toBe(false);
    expect(rest.removed).toHaveLength(2);
    expect(existsSync(path.join(dir, 'unrelated.txt'))).toBe(true);
  });

  it('skipped entries do not use the per-run budget: each run removes up to maxCandidates, skips are only counted', async () => {
    for (let i = 0; i < 50; i++) await symlink(path.join(outside, 'precious.txt'), path.join(dir, `link${i}_audio_check.ts`));
    for (let i = 0; i < 5; i++) await leftover(`${i}_concat_list.txt`);
    const first = await clean({ maxCandidates: 3 });
    expect(first.removed).toHaveLength(3);
    const second = await clean({ maxCandidates: 3 });
    expect(second.removed).toHaveLength(2);
    expect(second.truncated).toBe(false);
    expect(second.skippedByReason).toEqual({ symlink: 50 });
  });

  it(`a vpt-<pid> folder nested deeper than ${MAX_TREE_DEPTH} is an error, not a crash`, async () => {
    let deep = path.join(dir, 'vpt-4194303');
    for (let i = 0; i <= MAX_TREE_DEPTH; i++) deep = path.join(deep, 'd');
    await mkdir(deep, { recursive: true });
    const result = await clean({ isPidAlive: () => false });
    expect(result.errors.map((e) => e.code)).toEqual(['ETOODEEP']);
    expect(result.removed).toEqual([]);
  });
});

describe('vpt-<pid> folders', () => {
  it('are removed recursively without following the symlinks inside', async () => {
    const folder = path.join(dir, 'vpt-4194301');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    await writeFile(path.join(folder, 'merged_audio.ts'), 'a'.repeat(1000));
    await writeFile(path.join(folder, 'sub', 'list.txt'), 'b'.repeat(24));
    await symlink(path.join(outside, 'precious.txt'), path.join(folder, 'link-to-file'));
    await symlink(outside, path.join(folder, 'sub', 'link-to-folder'));
    const result = await clean({ isPidAlive: () => false });
    expect(result.removed).toEqual([{ path: folder, bytes: 1024, kind: 'folder' }]);
    expect(existsSync(folder)).toBe(false);
    expect(readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe(SECRET);
  });
});

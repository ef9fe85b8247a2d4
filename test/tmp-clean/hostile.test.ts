import { existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt, type VptRun } from '../helpers/run-vpt.js';

/**
 * Tier 3, issue 16 item 11: a folder any local user can write to must not stop
 * tmp-clean from removing what it should. The real binary on real files.
 */

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let dir: string;
beforeEach(async () => {
  tmp = await makeTempDir('vpt-tmp-clean-hostile-');
  dir = path.join(tmp.dir, 'clean');
  await mkdir(dir);
});
afterEach(() => tmp.cleanup());

const at = (name: string) => path.join(dir, name);
const bytesAt = (name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);
/** A pid no process can have: above the kernel's PID_MAX_LIMIT (2^22). */
const DEAD_PID = 4_194_305;
/** Each kind of blocker alone is more than the old 10,000-entry cap; with both, readdir order cannot save the old files. */
const BLOCKERS = 10_500;

interface Report {
  removed: { path: string; bytes: number; kind: string }[];
  skipped: { path: string; reason: string }[];
  skipped_by_reason: Record<string, number>;
  errors: unknown[];
  truncated: boolean;
}
function report(run: VptRun): Report {
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

describe('vpt tmp-clean cannot be blocked by entries it skips', () => {
  it('10,000+ young files and 10,000+ symlinks do not keep old files from being removed', async () => {
    const old = Array.from({ length: 8 }, (_, i) => `old${i}_audio_check.ts`);
    for (const name of old) await writeFile(at(name), 'x'.repeat(10));
    const outside = path.join(tmp.dir, 'outside.txt');
    writeFileSync(outside, 'keep');
    // Young forever, as a hostile user makes them: mtime an hour ahead (the newer of mtime and ctime counts).
    const future = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < BLOCKERS; i++) {
      writeFileSync(at(`young${i}_audio_check.ts`), '');
      utimesSync(at(`young${i}_audio_check.ts`), future, future);
      symlinkSync(outside, at(`link${i}_concat_list.txt`));
    }
    const r = report(await runVpt(['tmp-clean', '--dir', dir, '--older-than', '0', '--json'], { timeoutMs: 60_000 }));
    expect(r.removed.map((x) => x.path).sort()).toEqual(old.map(at));
    expect(r.truncated).toBe(false);
    expect(r.skipped_by_reason).toEqual({ young: BLOCKERS, symlink: BLOCKERS });
    // The list is bounded; the counts are complete.
    expect(r.skipped.length).toBeLessThanOrEqual(1_000);
    for (const name of old) expect(existsSync(at(name))).toBe(false);
    expect(existsSync(at('young0_audio_check.ts')) && existsSync(outside)).toBe(true);
  }, 60_000);
});

describe('vpt tmp-clean with names that are not valid UTF-8', () => {
  it('removes an old file whose name is not UTF-8, and a vpt-<pid> folder holding one', async () => {
    const bad = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('_audio_check.ts')]);
    writeFileSync(bytesAt(bad), 'x'.repeat(7));
    const folder = at(`vpt-${DEAD_PID}`);
    mkdirSync(folder);
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), Buffer.from([0x80, 0x81]), Buffer.from('.ts')]), 'y'.repeat(5));
    mkdirSync(Buffer.concat([Buffer.from(`${folder}/`), Buffer.from([0xc3])]));
    const r = report(await runVpt(['tmp-clean', '--dir', dir, '--older-than', '0', '--json']));
    expect(r.removed).toEqual([
      { path: at('\\xff\\xfe_audio_check.ts'), bytes: 7, kind: 'file' },
      { path: folder, bytes: 5, kind: 'folder' },
    ]);
    expect(r.errors).toEqual([]);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(bytesAt(bad))).toBe(false);
  });
});

describe('vpt tmp-clean says what it skipped, by reason (issue 15)', () => {
  it('text: "nothing to remove" says how many entries were skipped and why', async () => {
    await writeFile(at('new_audio_check.ts'), 'x');
    await writeFile(at('new2_audio_check.ts'), 'x');
    await mkdir(at('sub_concat_list.txt'));
    const run = await runVpt(['tmp-clean', '--dir', dir, '--older-than', '1h']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(`nothing to remove in ${dir}; skipped 3: 2 too young, 1 not a regular file`);
  });

  it('--json counts the skips by reason', async () => {
    await writeFile(at('new_audio_check.ts'), 'x');
    const r = report(await runVpt(['tmp-clean', '--dir', dir, '--older-than', '1h', '--json']));
    expect(r.skipped_by_reason).toEqual({ young: 1 });
  });
});

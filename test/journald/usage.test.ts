import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectJournald } from '../../src/core/journald/inspect.js';
import { describeDirUsage, measureDirUsage } from '../../src/core/journald/usage.js';
import { journalProbe } from '../../src/core/probes/journal.js';
import { createProbeContext } from '../../src/core/probes/index.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-usage-')));
afterEach(() => cleanup());

async function put(rel: string, bytes: number): Promise<void> {
  await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  // Non-zero bytes, so no filesystem can store them sparsely.
  await fs.writeFile(path.join(dir, rel), Buffer.alloc(bytes, 0x5a));
}

describe('measureDirUsage', () => {
  it('a missing folder is reported as missing, with no size (not 0)', async () => {
    const usage = await measureDirUsage(path.join(dir, 'nope'));
    expect(usage).toMatchObject({ exists: false, files: 0 });
    expect(usage.bytes).toBeUndefined();
  });

  it('sums the files of the journal tree (apparent exactly, allocated at least as much)', async () => {
    await put('m1/system.journal', 300_000);
    await put('m1/user-1000.journal', 12_345);
    await put('m2/system@0001.journal~', 65_536);
    const usage = await measureDirUsage(dir);
    expect(usage).toMatchObject({ exists: true, files: 3, apparentBytes: 300_000 + 12_345 + 65_536, truncated: false, skipped: 0 });
    expect(usage.bytes!).toBeGreaterThanOrEqual(300_000 + 12_345 + 65_536);
  });

  it('does not follow symlinks inside the folder', async () => {
    await put('outside/big', 1_000_000);
    await fs.mkdir(path.join(dir, 'journal'));
    await fs.symlink(path.join(dir, 'outside'), path.join(dir, 'journal', 'link-dir'));
    await fs.symlink(path.join(dir, 'outside', 'big'), path.join(dir, 'journal', 'link-file'));
    const usage = await measureDirUsage(path.join(dir, 'journal'));
    expect(usage.files).toBe(0);
    expect(usage.apparentBytes).toBe(0);
  });

  it('stops at the entry bound and says the figure is partial', async () => {
    for (let i = 0; i < 10; i++) await put(`m/f${i}.journal`, 100);
    const usage = await measureDirUsage(dir, { maxEntries: 5 });
    expect(usage.truncated).toBe(true);
    // 5 entries: the machine folder and 4 files.
    expect(usage.files).toBe(4);
    expect(usage.apparentBytes).toBe(400);
  });

  it('stops at the depth bound', async () => {
    await put('a/b/c/d/e/deep.journal', 100);
    await put('a/shallow.journal', 100);
    const usage = await measureDirUsage(dir, { maxDepth: 2 });
    expect(usage.truncated).toBe(true);
    expect(usage.files).toBe(1);
  });
});

describe('one measure of the journal for vpt journald-limits and vpt investigate (issue 24: 4K against 0B)', () => {
  it('an empty journal folder is 0 in both, not the 4K of the folders themselves', async () => {
    await fs.mkdir(path.join(dir, 'run/log/journal/m1'), { recursive: true });
    const inspection = await inspectJournald(dir, [], false);
    const probe = await journalProbe().sample(createProbeContext({ rootfs: dir }));
    expect(inspection.usage.ram.bytes).toBe(0);
    expect(probe.available && probe.data.runtime.bytes).toBe(0);
    expect(describeDirUsage(inspection.usage.ram)).toBe(`0B in ${path.join(dir, 'run/log/journal')} (0 files)`);
  });

  it('the same figures and the same words for a journal with files, in RAM and on disk', async () => {
    await put('run/log/journal/m1/system.journal', 300_000);
    await put('var/log/journal/m1/system.journal', 65_536);
    await put('var/log/journal/m1/user-1000.journal', 12_345);
    const inspection = await inspectJournald(dir, [], false);
    const probe = await journalProbe().sample(createProbeContext({ rootfs: dir }));
    if (!probe.available) throw new Error(probe.reason);
    expect(probe.data.runtime).toEqual(inspection.usage.ram);
    expect(probe.data.persistent).toEqual(inspection.usage.disk);
    expect(inspection.usage.ram.bytes).toBeGreaterThanOrEqual(300_000);
    expect(describeDirUsage(probe.data.persistent)).toMatch(/^[\d.]+K in .*var\/log\/journal \(2 files\)$/);
  });
});

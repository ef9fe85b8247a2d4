import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exceedsAlert, formatMemoryAlert, formatMemoryLine, readSelfMemory } from '../../src/core/memory/self-memory.js';
import { parseProcStatus } from '../../src/core/memory/proc-status.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const STATUS = `Name:	node
Umask:	0022
State:	S (sleeping)
Pid:	4242
VmPeak:	 1234568 kB
VmSize:	 1100000 kB
VmHWM:	  120000 kB
VmRSS:	   87244 kB
RssAnon:	   50000 kB
Threads:	11
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-selfmem-')));
afterEach(async () => cleanup());

describe('self memory', () => {
  it('parses VmRSS and VmHWM from /proc/<pid>/status text', () => {
    expect(parseProcStatus(STATUS)).toMatchObject({ rssBytes: 87_244 * 1024, hwmBytes: 120_000 * 1024 });
    // Kernel threads have no Vm* lines: missing, not zero.
    expect(parseProcStatus('Name:\tkthreadd\nState:\tS (sleeping)\n')).toEqual({ name: 'kthreadd', rssBytes: undefined, hwmBytes: undefined, uid: undefined });
  });

  it('reads from an injected proc root, and is undefined when it cannot', async () => {
    await mkdir(path.join(dir, 'self'));
    await writeFile(path.join(dir, 'self', 'status'), STATUS);
    expect(await readSelfMemory(dir)).toEqual({ rssBytes: 87_244 * 1024, hwmBytes: 120_000 * 1024 });
    expect(await readSelfMemory(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('reads the real process too (a sanity check of the parser against this kernel)', async () => {
    const real = await readSelfMemory();
    expect(real!.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(real!.hwmBytes!).toBeGreaterThanOrEqual(real!.rssBytes);
  });

  it('prints the design lines exactly', () => {
    expect(formatMemoryLine(85.2 * 1024 * 1024)).toBe('[MEMORY] vpt monitor using 85.2MB RAM');
    expect(formatMemoryAlert(1234.5 * 1024 * 1024, 1024 ** 3)).toBe('[MEMORY] vpt monitor exceeds 1GB (1234.5MB) - possible memory leak!');
    expect(formatMemoryAlert(600 * 1024 * 1024, 500 * 1024 * 1024)).toBe('[MEMORY] vpt monitor exceeds 500MB (600.0MB) - possible memory leak!');
  });

  it.each([
    [1024 ** 3 - 1, false],
    [1024 ** 3, false],
    [1024 ** 3 + 1, true],
  ])('alert at rss %d: %s', (rssBytes, expected) => {
    expect(exceedsAlert({ rssBytes }, 1024 ** 3)).toBe(expected);
  });
});

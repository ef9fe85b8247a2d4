import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preserveEvidence } from '../../src/core/pipeline/evidence.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-evidence-')));
afterEach(async () => cleanup());

const cap = (n: number) => `capture_${String(n).padStart(9, '0')}.jpg`;
const thumb = (n: number) => `capture_${String(n).padStart(9, '0')}_thumbnail.jpg`;

async function frames(base: string, sequences: number[], withThumbs = true): Promise<void> {
  await mkdir(path.join(base, 'captures'), { recursive: true });
  await mkdir(path.join(base, 'thumbnails'), { recursive: true });
  for (const n of sequences) {
    await writeFile(path.join(base, 'captures', cap(n)), `capture ${n}`);
    if (withThumbs) await writeFile(path.join(base, 'thumbnails', thumb(n)), `thumb ${n}`);
  }
}

describe('preserveEvidence', () => {
  it('hot layout: copies capture + thumbnail to cold storage under the same names, returning the cold paths', async () => {
    const device = path.join(dir, 'capture1');
    await frames(path.join(device, 'hot'), [99, 100, 150]);
    const kept = await preserveEvidence(device, [99, 100, 150]);
    expect(kept).toEqual([99, 100, 150].flatMap((n) => [path.join(device, 'captures', cap(n)), path.join(device, 'thumbnails', thumb(n))]));
    expect(await readFile(path.join(device, 'captures', cap(100)), 'utf8')).toBe('capture 100');
    expect(await readFile(path.join(device, 'thumbnails', thumb(150)), 'utf8')).toBe('thumb 150');
    // No temp files left beside them.
    expect((await readdir(path.join(device, 'captures'))).sort()).toEqual([cap(99), cap(100), cap(150)]);
  });

  it('a source already rotated away is skipped; a cold copy already there is kept', async () => {
    const device = path.join(dir, 'capture1');
    await frames(path.join(device, 'hot'), [100], false);
    await mkdir(path.join(device, 'captures'), { recursive: true });
    await writeFile(path.join(device, 'captures', cap(101)), 'archived earlier');
    const kept = await preserveEvidence(device, [99, 100, 101]);
    expect(kept).toEqual([path.join(device, 'captures', cap(100)), path.join(device, 'captures', cap(101))]);
    expect(await readFile(path.join(device, 'captures', cap(101)), 'utf8')).toBe('archived earlier');
  });

  it('cold layout (no hot/): copies nothing and returns the live files that exist', async () => {
    const device = path.join(dir, 'capture2');
    await frames(device, [5, 6]);
    const before = await readdir(path.join(device, 'captures'));
    const kept = await preserveEvidence(device, [-1, 4, 5, 6, 6]);
    expect(kept).toEqual([5, 6].flatMap((n) => [path.join(device, 'captures', cap(n)), path.join(device, 'thumbnails', thumb(n))]));
    expect(await readdir(path.join(device, 'captures'))).toEqual(before);
  });
});

import { readdir, readFile, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_MAX_PENDING, ChunkWriter, chunkFilePath, chunkLocation, parseChunkFrames } from '../../src/core/pipeline/chunk-writer.js';
import { LockTimeoutError, withFileLock } from '../../src/core/pipeline/file-lock.js';
import { isoLocal } from '../../src/core/layout/frame-time.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** 2025-10-17 13:24:30 local time. */
const T = new Date(2025, 9, 17, 13, 24, 30).getTime();
const entry = (sequence: number, timeMs: number, extra: Record<string, unknown> = {}) => ({
  sequence,
  timestamp: isoLocal(timeMs),
  filename: `capture_${String(sequence).padStart(9, '0')}.jpg`,
  blackscreen: false,
  ...extra,
});

describe('chunk location', () => {
  it('is the local hour of day (unpadded) and minute / 10', () => {
    expect(chunkLocation(T)).toMatchObject({ hour: 13, chunkIndex: 2, windowStartMs: new Date(2025, 9, 17, 13, 20).getTime() });
    expect(chunkLocation(new Date(2025, 9, 17, 0, 9, 59).getTime())).toMatchObject({ hour: 0, chunkIndex: 0 });
    expect(chunkLocation(new Date(2025, 9, 17, 23, 59, 59).getTime())).toMatchObject({ hour: 23, chunkIndex: 5 });
    expect(chunkFilePath('/s/capture1/metadata', chunkLocation(T))).toBe('/s/capture1/metadata/13/chunk_10min_2.json');
  });

  it('parses frames of a chunk and refuses what is not one', () => {
    expect(parseChunkFrames('{"frames":[{"sequence":5,"timestamp":"x"},{"bad":1}]}')).toEqual([{ sequence: 5, timestamp: 'x' }]);
    expect(parseChunkFrames('{"frames": [')).toBeUndefined();
    expect(parseChunkFrames('{"frames": 3}')).toBeUndefined();
    expect(parseChunkFrames('[]')).toBeUndefined();
  });
});

describe('ChunkWriter', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-chunk-');
  });
  afterEach(() => tmp.cleanup());
  const read = async (timeMs: number) => JSON.parse(await readFile(chunkFilePath(tmp.dir, chunkLocation(timeMs)), 'utf8'));

  it('writes the farm fields, sorted and deduplicated by sequence across writers', async () => {
    const a = new ChunkWriter(tmp.dir);
    await a.add(entry(10, T + 2000, { zapping: true }), T + 2000);
    await a.add(entry(5, T + 1000), T + 1000);
    await a.flush();
    const b = new ChunkWriter(tmp.dir);
    await b.add(entry(5, T + 1000, { blackscreen: true }), T + 1000);
    await b.add(entry(15, T + 3000), T + 3000);
    await b.flush();
    const chunk = await read(T);
    expect(chunk).toMatchObject({ hour: 13, chunk_index: 2, frames_count: 3, zapping_count: 1, zapping_sequences: [10] });
    expect(chunk.frames.map((f: { sequence: number }) => f.sequence)).toEqual([5, 10, 15]);
    expect(chunk.frames[0].blackscreen).toBe(true);
    expect(chunk.start_time).toBe(isoLocal(T + 1000));
    expect(chunk.end_time).toBe(isoLocal(T + 3000));
    expect(await readdir(path.dirname(chunkFilePath(tmp.dir, chunkLocation(T))))).toEqual(['chunk_10min_2.json']);
  });

  it('flushes when the frame time moves to the next chunk', async () => {
    const w = new ChunkWriter(tmp.dir);
    const next = new Date(2025, 9, 17, 13, 30, 0).getTime();
    await w.add(entry(1, T), T);
    await w.add(entry(2, next), next);
    expect(w.pendingCount).toBe(1);
    expect((await read(T)).frames_count).toBe(1);
    await w.flush();
    expect((await read(next)).frames.map((f: { sequence: number }) => f.sequence)).toEqual([2]);
  });

  it(`never holds more than ${CHUNK_MAX_PENDING} entries in memory`, async () => {
    const w = new ChunkWriter(tmp.dir, { maxPending: 7 });
    for (let i = 0; i < 50; i++) {
      await w.add(entry(i, T), T);
      expect(w.pendingCount).toBeLessThan(7);
    }
    await w.flush();
    expect((await read(T)).frames_count).toBe(50);
    expect(new ChunkWriter(tmp.dir)['maxPending']).toBe(CHUNK_MAX_PENDING);
  });

  it('replaces frames of the same hour folder from an earlier day (24-hour rolling archive)', async () => {
    const yesterday = T - 24 * 3_600_000;
    const w = new ChunkWriter(tmp.dir);
    await w.add(entry(900, yesterday), yesterday);
    await w.flush();
    await w.add(entry(5, T), T);
    await w.flush();
    expect((await read(T)).frames.map((f: { sequence: number }) => f.sequence)).toEqual([5]);
  });

  it('sets a corrupt chunk aside and starts a new one', async () => {
    const file = chunkFilePath(tmp.dir, chunkLocation(T));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"frames": [{"seq');
    const aside: string[] = [];
    const w = new ChunkWriter(tmp.dir, { onCorrupt: (_f, a) => aside.push(a) });
    await w.add(entry(5, T), T);
    await w.flush();
    expect(aside).toHaveLength(1);
    expect(await readFile(aside[0]!, 'utf8')).toBe('{"frames": [{"seq');
    expect((await read(T)).frames_count).toBe(1);
  });
});

describe('withFileLock', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-lock-');
  });
  afterEach(() => tmp.cleanup());

  it('serialises holders and removes the lock afterwards', async () => {
    const lock = path.join(tmp.dir, 'x.lock');
    const order: string[] = [];
    const hold = (name: string) =>
      withFileLock(lock, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('breaks a stale lock left by a dead holder', async () => {
    const lock = path.join(tmp.dir, 'x.lock');
    await writeFile(lock, '99999 dead\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect(await withFileLock(lock, async () => 'ran')).toBe('ran');
    await expect(stat(lock)).rejects.toThrow();
  });

  it('gives up on a fresh lock held too long, without touching it', async () => {
    const lock = path.join(tmp.dir, 'x.lock');
    await writeFile(lock, '1 other\n');
    await expect(withFileLock(lock, async () => 'ran', { waitMs: 100 })).rejects.toThrow(LockTimeoutError);
    expect(await readFile(lock, 'utf8')).toBe('1 other\n');
  });
});

import { execa } from 'execa';
import { appendFile, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWatcher, type CapturedFrame, type WatcherRecord } from '../../src/core/live/capture-watcher.js';
import { jpegFileState, waitUntilComplete } from '../../src/core/live/frame-completeness.js';
import { waitFor } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'real', 'banner.jpg');

let root: string;
let cleanup: () => Promise<void>;
let jpeg: Buffer;
const watchers: CaptureWatcher[] = [];
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-complete-'));
  jpeg = await readFile(FIXTURE);
});
afterEach(async () => {
  for (const w of watchers.splice(0)) w.stop();
  await cleanup();
});

describe('jpegFileState', () => {
  it('complete only with the end marker; empty and cut files are incomplete; no file is missing', async () => {
    const file = path.join(root, 'f.jpg');
    expect(jpegFileState(file)).toBe('missing');
    await writeFile(file, '');
    expect(jpegFileState(file)).toBe('incomplete');
    await writeFile(file, jpeg.subarray(0, jpeg.length - 1));
    expect(jpegFileState(file)).toBe('incomplete');
    await writeFile(file, jpeg.subarray(0, 32_768));
    expect(jpegFileState(file)).toBe('incomplete');
    await writeFile(file, jpeg);
    expect(jpegFileState(file)).toBe('complete');
  });

  it('a FIFO named like a frame does not block: not a regular file, nothing to wait for', async () => {
    const fifo = path.join(root, 'capture_000000001.jpg');
    await execa('mkfifo', [fifo]);
    expect(jpegFileState(fifo)).toBe('complete');
  });
});

describe('waitUntilComplete', () => {
  it('re-reads until a file written in place gets its last bytes', async () => {
    const file = path.join(root, 'f.jpg');
    await writeFile(file, jpeg.subarray(0, 10_000));
    const finishing = new Promise<void>((resolve) => setTimeout(() => void appendFile(file, jpeg.subarray(10_000)).then(resolve), 40));
    const result = await waitUntilComplete([{ path: file, waitIfMissing: false }], 5_000);
    await finishing;
    expect(result).toMatchObject({ complete: true, states: ['complete'] });
    expect(result.waitedMs).toBeGreaterThanOrEqual(30);
  });

  it('a file that never completes is given up on after the bound; its writer moving on, or a stop, ends the wait at once', async () => {
    const file = path.join(root, 'f.jpg');
    await writeFile(file, jpeg.subarray(0, 10_000));
    const bounded = await waitUntilComplete([{ path: file, waitIfMissing: false }], 150);
    expect(bounded.complete).toBe(false);
    expect(bounded.waitedMs).toBeGreaterThanOrEqual(150);
    const next = path.join(root, 'next.jpg');
    await writeFile(next, '');
    const movedOn = await waitUntilComplete([{ path: file, waitIfMissing: false, next }], 60_000);
    expect(movedOn).toMatchObject({ complete: false, states: ['incomplete'] });
    const stopped = await waitUntilComplete([{ path: file, waitIfMissing: false }], 60_000, undefined, () => true);
    expect(stopped).toMatchObject({ complete: false, states: ['incomplete'] });
  });

  it('a missing file is waited for only when asked', async () => {
    const capture = path.join(root, 'c.jpg');
    await writeFile(capture, jpeg);
    const thumb = path.join(root, 't.jpg');
    expect(
      await waitUntilComplete(
        [
          { path: capture, waitIfMissing: false },
          { path: thumb, waitIfMissing: false },
        ],
        60_000,
      ),
    ).toMatchObject({
      complete: true,
      states: ['complete', 'missing'],
    });
    setTimeout(() => void writeFile(thumb, jpeg), 30);
    expect(
      await waitUntilComplete(
        [
          { path: capture, waitIfMissing: false },
          { path: thumb, waitIfMissing: true },
        ],
        5_000,
      ),
    ).toMatchObject({
      complete: true,
      states: ['complete', 'complete'],
    });
  });
});

describe('CaptureWatcher with an in-place writer', () => {
  function start(maxWaitMs?: number) {
    const frames: CapturedFrame[] = [];
    const records: WatcherRecord[] = [];
    const watcher = new CaptureWatcher({
      device: 'capture1',
      deviceDir: path.join(root, 'capture1'),
      rescanIntervalMs: 600_000,
      onFrame: (f) => frames.push(f),
      onRecord: (r) => records.push(r),
      ...(maxWaitMs !== undefined ? { incompleteMaxWaitMs: maxWaitMs } : {}),
    });
    watchers.push(watcher);
    return { frames, records, started: watcher.start() };
  }

  /** ffmpeg's default image2 writer: open the final name, write in pieces, close. */
  async function writeInPlace(file: string, pieces: number, pauseMs: number): Promise<void> {
    const handle = await open(file, 'w');
    const size = Math.ceil(jpeg.length / pieces);
    for (let at = 0; at < jpeg.length; at += size) {
      await handle.write(jpeg.subarray(at, at + size));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    await handle.close();
  }

  it('reports each frame once, only after its last byte, with the mtime of its last write', async () => {
    const dir = path.join(root, 'capture1');
    await mkdir(path.join(dir, 'captures'), { recursive: true });
    await mkdir(path.join(dir, 'thumbnails'), { recursive: true });
    const { frames, records, started } = start();
    await started;
    for (let s = 0; s < 10; s++) {
      await writeInPlace(path.join(dir, 'thumbnails', `capture_${String(s).padStart(9, '0')}_thumbnail.jpg`), 2, 5);
      await writeInPlace(path.join(dir, 'captures', `capture_${String(s).padStart(9, '0')}.jpg`), 4, 15);
    }
    await waitFor(() => frames.length >= 10, '10 frames');
    await new Promise((r) => setTimeout(r, 200));
    expect(frames.map((f) => f.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of frames) {
      expect(f.incomplete).toBeUndefined();
      expect(f.mtimeMs).toBe((await stat(f.path)).mtimeMs);
    }
    expect(records.filter((r) => r.kind === 'incomplete')).toEqual([]);
  });

  it('a file left incomplete is one frame judged as it is after the bound, or as soon as the next frame starts', async () => {
    const dir = path.join(root, 'capture1');
    await mkdir(path.join(dir, 'captures'), { recursive: true });
    const { frames, records, started } = start(300);
    await started;
    const cut = path.join(dir, 'captures', 'capture_000000001.jpg');
    await writeFile(cut, jpeg.subarray(0, 5_000));
    await waitFor(() => frames.length >= 1, 'the cut frame');
    expect(frames[0]).toMatchObject({ sequence: 1, incomplete: true });
    expect(records).toContainEqual(expect.objectContaining({ kind: 'incomplete', sequence: 1 }));
    // The next cut frame is followed at once by a whole one: the writer moved on, no bound to wait out.
    await writeFile(path.join(dir, 'captures', 'capture_000000002.jpg'), jpeg.subarray(0, 5_000));
    await writeFile(path.join(dir, 'captures', 'capture_000000003.jpg'), jpeg);
    await waitFor(() => frames.length >= 3, 'frames 2 and 3');
    expect(frames.map((f) => [f.sequence, f.incomplete === true])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { deviceFps, isVncDevice } from '../../src/core/layout/device-fps.js';
import { validateDeviceName } from '../../src/core/layout/device-name.js';
import { listFrames } from '../../src/core/layout/frame-listing.js';
import { captureFileName, isChunkFrame, metadataFileName, parseFrameSequence, thumbnailFileName } from '../../src/core/layout/frame-names.js';
import { isoLocal, replayFrameTimeMs } from '../../src/core/layout/frame-time.js';
import { checkStreamRoot, devicePaths, parseActiveCaptures, resolveDevices } from '../../src/core/layout/stream-layout.js';
import { makeTempDir } from '../helpers/run-vpt.js';

describe('frame names', () => {
  it.each([
    ['capture_000000123.jpg', 123],
    ['capture_000000000.jpg', 0],
    ['capture_999999999.jpg', 999_999_999],
    ['capture_000000123_thumbnail.jpg', undefined],
    ['capture_000000123.jpg.tmp', undefined],
    ['.capture_000000123.jpg.tmp-1-ab', undefined],
    ['capture_00000123.jpg', undefined],
    ['capture_0000001234.jpg', undefined],
    ['capture_000000123.jpeg', undefined],
    ['segment_000000123.ts', undefined],
  ])('%s -> %s', (name, seq) => {
    expect(parseFrameSequence(name)).toBe(seq);
  });

  it('builds the farm names of a frame', () => {
    expect(captureFileName(42)).toBe('capture_000000042.jpg');
    expect(thumbnailFileName(42)).toBe('capture_000000042_thumbnail.jpg');
    expect(metadataFileName(42)).toBe('capture_000000042.json');
  });

  it('puts one frame per second in the chunk', () => {
    expect([0, 1, 4, 5, 10].map((n) => isChunkFrame(n, 5))).toEqual([true, false, false, true, true]);
  });
});

describe('frame time and fps', () => {
  it('places replayed frames on the capture clock from the first mtime', () => {
    const clock = { firstSequence: 100, firstMtimeMs: 1_000_000, fps: 5 };
    expect(replayFrameTimeMs(clock, 100)).toBe(1_000_000);
    expect(replayFrameTimeMs(clock, 101)).toBe(1_000_200);
    expect(replayFrameTimeMs(clock, 150)).toBe(1_010_000);
    expect(replayFrameTimeMs({ ...clock, fps: 2 }, 103)).toBe(1_001_500);
  });

  it('writes local ISO times with the offset', () => {
    const ms = Date.UTC(2025, 9, 17, 12, 30, 0, 200);
    const text = isoLocal(ms);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(Date.parse(text)).toBe(ms);
  });

  it('recognises VNC devices by the quality field or the name; --fps wins', () => {
    expect(isVncDevice('capture3', 'vnc')).toBe(true);
    expect(isVncDevice('capture_vnc1')).toBe(true);
    expect(isVncDevice('capture1', 'hd')).toBe(false);
    expect(deviceFps('capture1', 'hd', undefined)).toBe(5);
    expect(deviceFps('capture2', 'VNC', undefined)).toBe(2);
    expect(deviceFps('capture2', 'vnc', 10)).toBe(10);
  });
});

describe('device names', () => {
  it.each(['capture1', 'capture_vnc', 'capture-2.old'])('accepts %j', (name) => {
    expect(validateDeviceName(name)).toBe(name);
  });
  it.each([
    ['', /empty/],
    ['a/b', /contains "\/"/],
    ['..', /contains "\.\."/],
    ['x..y', /contains "\.\."/],
    ['.', /stream root itself/],
    ['cap\0ture', /NUL/],
    ['a\\b', /contains "\\"/],
  ])('refuses %j with a UsageError naming it', (name, why) => {
    expect(() => validateDeviceName(name)).toThrow(UsageError);
    expect(() => validateDeviceName(name)).toThrow(why);
  });
});

describe('active_captures.conf', () => {
  it('parses base dir, pid and quality, skipping blanks, comments and empty lines', () => {
    const text = '/var/www/html/stream/capture1,1234,hd\n\n# old\n /var/www/html/stream/capture2/ , , vnc \n,55,sd\n';
    expect(parseActiveCaptures(text)).toEqual([
      { baseDir: '/var/www/html/stream/capture1', pid: 1234, quality: 'hd' },
      { baseDir: '/var/www/html/stream/capture2', pid: undefined, quality: 'vnc' },
    ]);
  });
});

describe('device resolution and hot/cold', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    root = await makeTempDir('vpt-layout-');
  });
  afterEach(() => root.cleanup());

  it('takes --devices first, then active_captures.conf entries that exist, then capture* folders', async () => {
    for (const d of ['capture1', 'capture2', 'capture10', 'other']) await mkdir(path.join(root.dir, d));
    await writeFile(path.join(root.dir, 'capture3'), 'a file, not a device');
    expect((await resolveDevices(root.dir)).map((d) => d.name)).toEqual(['capture1', 'capture2', 'capture10']);
    await writeFile(path.join(root.dir, 'active_captures.conf'), '/x/capture2,1,vnc\n/x/capture9,2,hd\n/x/capture2,1,vnc\n');
    expect(await resolveDevices(root.dir)).toEqual([{ name: 'capture2', quality: 'vnc', source: 'active_captures' }]);
    expect(await resolveDevices(root.dir, ['capture9', 'capture1', 'capture9'])).toEqual([
      { name: 'capture9', source: 'named' },
      { name: 'capture1', source: 'named' },
    ]);
    await expect(resolveDevices(root.dir, ['ok', '../x'])).rejects.toThrow(UsageError);
  });

  it('falls back to discovery when no conf entry exists on disk', async () => {
    await mkdir(path.join(root.dir, 'capture1'));
    await writeFile(path.join(root.dir, 'active_captures.conf'), '/x/capture7,1,hd\n');
    expect((await resolveDevices(root.dir)).map((d) => [d.name, d.source])).toEqual([['capture1', 'discovery']]);
  });

  it('uses hot/ for live folders when it exists, cold ones otherwise', async () => {
    await mkdir(path.join(root.dir, 'capture1'));
    let paths = await devicePaths(root.dir, 'capture1');
    expect(paths.hot).toBe(false);
    expect(paths.live.metadata).toBe(path.join(root.dir, 'capture1', 'metadata'));
    await mkdir(path.join(root.dir, 'capture1', 'hot'));
    paths = await devicePaths(root.dir, 'capture1');
    expect(paths.hot).toBe(true);
    expect(paths.live.captures).toBe(path.join(root.dir, 'capture1', 'hot', 'captures'));
    expect(paths.cold.metadata).toBe(path.join(root.dir, 'capture1', 'metadata'));
  });

  it('lists frames of hot and cold in sequence order, hot winning, ignoring non-frames', async () => {
    const base = path.join(root.dir, 'capture1');
    await mkdir(path.join(base, 'hot', 'captures'), { recursive: true });
    await mkdir(path.join(base, 'captures'), { recursive: true });
    for (const n of ['capture_000000003.jpg', 'capture_000000004.jpg', 'capture_000000004.jpg.tmp', '.capture_000000005.jpg']) {
      await writeFile(path.join(base, 'hot', 'captures', n), '');
    }
    for (const n of ['capture_000000001.jpg', 'capture_000000003.jpg', 'capture_000000002_thumbnail.jpg', 'notes.txt']) {
      await writeFile(path.join(base, 'captures', n), '');
    }
    const index = await listFrames(await devicePaths(root.dir, 'capture1'));
    expect([...index.sequences]).toEqual([1, 3, 4]);
    expect([...index.inLive]).toEqual([0, 1, 1]);
  });

  it('refuses a missing stream root and a file given as one', async () => {
    await expect(checkStreamRoot(path.join(root.dir, 'nope'))).rejects.toThrow(/does not exist: pass --stream-root/);
    await writeFile(path.join(root.dir, 'f'), '');
    await expect(checkStreamRoot(path.join(root.dir, 'f'))).rejects.toThrow(/is not a folder/);
  });
});

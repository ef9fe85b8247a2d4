import { promises as fs } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureWatcher, RECENT_SEQUENCES_CAP, type CapturedFrame, type WatcherRecord } from '../../src/core/live/capture-watcher.js';
import { FRAME_INTERVAL_MS, waitFor, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const T0 = Date.parse('2025-10-17T14:30:00.000Z');
const at = (sequence: number) => T0 + sequence * FRAME_INTERVAL_MS;

let root: string;
let cleanup: () => Promise<void>;
let watchers: CaptureWatcher[];
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-watch-'));
  watchers = [];
});
afterEach(async () => {
  for (const w of watchers) w.stop();
  await cleanup();
});

function startWatcher(device: string, rescanIntervalMs: number, extra: { includeExisting?: boolean } = {}) {
  const frames: CapturedFrame[] = [];
  const records: WatcherRecord[] = [];
  const watcher = new CaptureWatcher({
    device,
    deviceDir: path.join(root, device),
    rescanIntervalMs,
    onFrame: (f) => frames.push(f),
    onRecord: (r) => records.push(r),
    ...extra,
  });
  watchers.push(watcher);
  return { watcher, frames, records, started: watcher.start() };
}

function expectEachOnce(frames: CapturedFrame[], from: number, to: number): void {
  const seqs = frames.map((f) => f.sequence).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

describe('CaptureWatcher', () => {
  it('hot layout: reports every new frame once with its mtime, skipping the frames already there at start', async () => {
    const live = path.join(root, 'capture1', 'hot');
    for (let s = 1; s <= 20; s++) await writeFrameLikeFfmpeg(live, s, at(s));
    // A rescan interval far longer than the test: only inotify can find these.
    const { frames, records, started } = startWatcher('capture1', 600_000);
    await started;
    for (let s = 21; s <= 320; s++) await writeFrameLikeFfmpeg(live, s, at(s), 'jpeg', 'thumb');
    await waitFor(() => frames.length >= 300, '300 frames');
    await new Promise((r) => setTimeout(r, 200));
    expectEachOnce(frames, 21, 320);
    expect(frames.every((f) => f.hot && Math.abs(f.mtimeMs - at(f.sequence)) < 1 && f.path === path.join(live, 'captures', path.basename(f.path)))).toBe(true);
    expect(records).toContainEqual({ kind: 'watching', device: 'capture1', dir: path.join(live, 'captures'), hot: true });
  });

  it('ignores thumbnails, temp files and dotfiles in the captures folder', async () => {
    const captures = path.join(root, 'capture1', 'captures');
    await mkdir(captures, { recursive: true });
    const { watcher, frames, started } = startWatcher('capture1', 600_000);
    await started;
    await writeFile(path.join(captures, 'capture_000000005.jpg.tmp'), 'x');
    await writeFile(path.join(captures, '.capture_000000006.jpg'), 'x');
    await writeFile(path.join(captures, 'capture_000000007_thumbnail.jpg'), 'x');
    await writeFile(path.join(captures, 'capture_12.jpg'), 'x');
    await writeFrameLikeFfmpeg(path.join(root, 'capture1'), 8, at(8));
    await waitFor(() => frames.length >= 1, 'frame 8');
    await watcher.rescan();
    expect(frames.map((f) => [f.sequence, f.hot])).toEqual([[8, false]]);
  });

  it('frames written while the watcher was down (folder re-created) are found by the rescan, none twice', async () => {
    const device = path.join(root, 'capture1');
    for (let s = 1; s <= 10; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    const { watcher, frames, started } = startWatcher('capture1', 600_000, { includeExisting: true });
    await started;
    expectEachOnce(frames, 1, 10);
    // Move the folder away: the inotify watch now follows the old inode and sees nothing of the new one.
    await rename(path.join(device, 'captures'), path.join(device, 'captures.old'));
    for (let s = 11; s <= 60; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    await new Promise((r) => setTimeout(r, 300));
    expect(frames.length).toBe(10);
    await watcher.rescan();
    expectEachOnce(frames, 1, 60);
    // The rescan re-created the watcher on the new folder: inotify works again.
    for (let s = 61; s <= 80; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    await waitFor(() => frames.length >= 80, '80 frames');
    await watcher.rescan();
    expectEachOnce(frames, 1, 80);
  });

  it('waits for a device folder created after start (one warning), then reports all its frames', async () => {
    const { frames, records, started } = startWatcher('capture2', 150);
    await started;
    expect(records).toEqual([{ kind: 'waiting', device: 'capture2', dir: path.join(root, 'capture2', 'captures') }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(records.filter((r) => r.kind === 'waiting')).toHaveLength(1);
    const device = path.join(root, 'capture2');
    for (let s = 0; s < 100; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    await waitFor(() => frames.length >= 100, '100 frames');
    await new Promise((r) => setTimeout(r, 400));
    expectEachOnce(frames, 0, 99);
    // Rescan finds and inotify events interleave, yet frames come out in capture order.
    expect(frames.map((f) => f.sequence)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a frame renamed while the first listing is being read is reported at once, in order, not left to the next rescan', async () => {
    const device = path.join(root, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    for (let s = 1; s <= 3; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    // The listing's result arrives after frame 4 was renamed in and its inotify event delivered.
    const opendir = fs.opendir.bind(fs);
    const spy = vi.spyOn(fs, 'opendir').mockImplementationOnce((async (...args: Parameters<typeof fs.opendir>) => {
      const dir = await opendir(...args);
      return {
        async *[Symbol.asyncIterator]() {
          yield* dir;
          await writeFrameLikeFfmpeg(device, 4, at(4));
          await new Promise((r) => setTimeout(r, 100));
        },
      };
    }) as unknown as typeof fs.opendir);
    try {
      // A rescan interval far longer than the test: only the held event can bring frame 4.
      const { frames, started } = startWatcher('capture1', 600_000, { includeExisting: true });
      await started;
      await writeFrameLikeFfmpeg(device, 5, at(5));
      await waitFor(() => frames.length >= 5, 'frames 1-5', 5_000);
      expect(frames.map((f) => f.sequence)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      spy.mockRestore();
    }
  });

  it('both paths racing (fast rescans while inotify reports): every frame exactly once', async () => {
    const device = path.join(root, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    const { frames, started } = startWatcher('capture1', 20);
    await started;
    for (let s = 1; s <= 500; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    await waitFor(() => frames.length >= 500, '500 frames');
    await new Promise((r) => setTimeout(r, 300));
    expectEachOnce(frames, 1, 500);
    expect(frames.map((f) => f.sequence)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('a numbering restart (ffmpeg restarted, newer files with lower numbers) is followed', async () => {
    const device = path.join(root, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    const { watcher, frames, started } = startWatcher('capture1', 600_000);
    await started;
    for (let s = 5000; s < 5010; s++) await writeFrameLikeFfmpeg(device, s, at(s));
    await waitFor(() => frames.length >= 10, 'first run');
    await rm(path.join(device, 'captures'), { recursive: true });
    for (let s = 1; s <= 5; s++) await writeFrameLikeFfmpeg(device, s, at(10_000 + s));
    await watcher.rescan();
    await waitFor(() => frames.length >= 15, 'restarted numbering');
    expect(
      frames
        .slice(10)
        .map((f) => f.sequence)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it('the dedupe set stays within its cap over 10,000 frames', async () => {
    const device = path.join(root, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    // Inotify and rescans both running: the set must dedupe across both and stay capped.
    const { watcher, frames, started } = startWatcher('capture1', 600_000);
    await started;
    let peak = 0;
    for (let batch = 0; batch < 10; batch++) {
      // 1,000 ffmpeg-style writes at once: their mtimes are not in sequence order, the dedupe must not care.
      await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFrameLikeFfmpeg(device, batch * 1000 + i, Date.now())));
      await watcher.rescan();
      // inotify claims still queued behind the rescan finish on their own.
      await waitFor(() => frames.length >= (batch + 1) * 1000, `batch ${batch}`);
      peak = Math.max(peak, watcher.rememberedCount);
    }
    await watcher.rescan();
    expect(peak).toBeLessThanOrEqual(RECENT_SEQUENCES_CAP);
    expectEachOnce(frames, 0, 9_999);
  });
});

import { promises as fs } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { CaptureWatcher, type CapturedFrame } from '../../src/core/live/capture-watcher.js';
import { FRAME_INTERVAL_MS, waitFor, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 29 item 7: a starved monitor's stats queue behind frame decodes on the thread pool, so a frame
 * is claimed (and reported) seconds after it landed; the stall watch counted "no frame claimed" as a
 * stall. The watcher says a frame was seen on disk as soon as inotify names it, before its stat, and
 * only for names above every frame handed out (hot rotation deleting old frames is no news).
 */
const T0 = Date.parse('2025-10-17T14:30:00.000Z');
const at = (sequence: number) => T0 + sequence * FRAME_INTERVAL_MS;

let root: string;
let cleanup: () => Promise<void>;
let watcher: CaptureWatcher | undefined;
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-seen-'));
});
afterEach(async () => {
  watcher?.stop();
  vi.restoreAllMocks();
  await cleanup();
});

it('a new frame is seen before its stat resolves; a deleted old frame is not news', async () => {
  const device = path.join(root, 'capture1');
  await mkdir(path.join(device, 'captures'), { recursive: true });
  for (let s = 1; s <= 3; s++) await writeFrameLikeFfmpeg(device, s, at(s));
  const frames: CapturedFrame[] = [];
  let seen = 0;
  watcher = new CaptureWatcher({ device: 'capture1', deviceDir: device, rescanIntervalMs: 600_000, onFrame: (f) => frames.push(f), onSeen: () => seen++ });
  await watcher.start();
  await writeFrameLikeFfmpeg(device, 4, at(4));
  await waitFor(() => frames.length === 1, 'frame 4');
  const seenBefore = seen;
  expect(seenBefore).toBeGreaterThan(0);

  // From here every stat of a frame waits for the gate: a thread pool busy with decodes.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const stat = fs.stat.bind(fs);
  vi.spyOn(fs, 'stat').mockImplementation((async (...args: Parameters<typeof fs.stat>) => {
    if (String(args[0]).includes('capture_')) await gate;
    return stat(...args);
  }) as typeof fs.stat);
  await rm(path.join(device, 'captures', 'capture_000000001.jpg'));
  await new Promise((r) => setTimeout(r, 200));
  expect(seen).toBe(seenBefore);
  await writeFrameLikeFfmpeg(device, 5, at(5));
  await waitFor(() => seen > seenBefore, 'frame 5 seen');
  expect(frames.map((f) => f.sequence)).toEqual([4]);
  open();
  await waitFor(() => frames.length === 2, 'frame 5 reported');
  expect(frames.map((f) => f.sequence)).toEqual([4, 5]);
});

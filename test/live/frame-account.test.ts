import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWatcher, type CapturedFrame } from '../../src/core/live/capture-watcher.js';
import { WatcherAccount } from '../../src/core/live/frame-account.js';
import { FrameDedupe, RECENT_SEQUENCES_CAP } from '../../src/core/live/frame-dedupe.js';
import { FRAME_INTERVAL_MS, waitFor, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 29 item 7: the watcher's half of the frame account. Frames seen = the span of sequences that
 * appeared on disk; superseded = those the dedupe window has passed without handing them out. A few
 * numbers per device, whatever the rate.
 */
const T0 = Date.parse('2025-10-17T14:30:00.000Z');

/** The watcher's two halves driven by hand, as CaptureWatcher drives them. */
function rig(baseline?: number) {
  const dedupe = new FrameDedupe();
  const account = new WatcherAccount();
  if (baseline !== undefined) dedupe.startAfter(baseline, T0);
  account.start(baseline);
  let mtime = T0;
  return {
    seen: (s: number) => account.seen(s),
    hand: (s: number, at = (mtime += 10)) => {
      const restartsBefore = dedupe.restarts;
      if (!dedupe.accept(s, at)) return false;
      if (dedupe.restarts !== restartsBefore) account.restarted(s);
      account.handed(s);
      return true;
    },
    figures: () => account.figures(dedupe.sealed),
    dedupe,
  };
}

describe('WatcherAccount with FrameDedupe', () => {
  it('frames at start are not counted; the span seen is; nothing is superseded while the window holds it', () => {
    const r = rig(100);
    expect(r.figures()).toEqual({ seen: 0, superseded: 0 });
    r.seen(110);
    expect(r.figures()).toEqual({ seen: 10, superseded: 0 });
    for (const s of [101, 105, 110]) r.hand(s);
    // 102-104 and 106-109 were not handed out, but could still be: pending, not superseded.
    expect(r.figures()).toEqual({ seen: 10, superseded: 0 });
  });

  it('frames the window passed without handing them out are superseded, exactly, and the count never goes down', () => {
    const r = rig(0);
    let previous = 0;
    const handed: number[] = [];
    for (let s = 1; s <= 3 * RECENT_SEQUENCES_CAP; s++) {
      r.seen(s);
      // Every third frame is passed over (a newer one was claimed first).
      if (s % 3 !== 0 && r.hand(s)) handed.push(s);
      const f = r.figures();
      expect(f.superseded).toBeGreaterThanOrEqual(previous);
      previous = f.superseded;
    }
    const f = r.figures();
    expect(f.seen).toBe(3 * RECENT_SEQUENCES_CAP);
    // The window holds the newest RECENT_SEQUENCES_CAP handed out; below its floor every skipped frame is final.
    const floor = handed[handed.length - RECENT_SEQUENCES_CAP - 1]!;
    const superseded = Math.floor(floor / 3);
    expect(r.dedupe.sealed.floor).toBe(floor);
    expect(f.superseded).toBe(superseded);
    // A skipped frame below the floor can never be handed out afterwards: the figure stays true.
    expect(r.hand(3, T0 + 1)).toBe(false); // its own (old) mtime: a newer one would be a numbering restart
    expect(r.figures().superseded).toBe(superseded);
  });

  it('a folder empty at start counts from its first frame, whether ffmpeg numbers from 0 or from 1', () => {
    for (const first of [0, 1]) {
      const r = rig();
      for (let s = first; s < first + 10; s++) r.hand(s);
      expect(r.figures()).toEqual({ seen: 10, superseded: 0 });
    }
    // Seen out of order (a listing's newest first): the run still counts from its lowest frame.
    const r = rig();
    r.seen(20);
    for (let s = 1; s <= 20; s++) r.hand(s);
    expect(r.figures()).toEqual({ seen: 20, superseded: 0 });
  });

  it('a numbering restart closes the run: its frames never handed out are superseded, the new run counts afresh', () => {
    const r = rig(0);
    r.seen(50);
    for (let s = 1; s <= 30; s++) r.hand(s); // 31-50 seen, never handed
    // ffmpeg restarted: frame 1 again, written after every frame handed out.
    expect(r.hand(1, T0 + 1_000_000)).toBe(true);
    expect(r.figures()).toEqual({ seen: 51, superseded: 20 });
    for (let s = 2; s <= 5; s++) r.hand(s, T0 + 1_000_000 + s);
    expect(r.figures()).toEqual({ seen: 55, superseded: 20 });
  });
});

describe('CaptureWatcher figures', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let watcher: CaptureWatcher | undefined;
  beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-account-')));
  afterEach(async () => {
    watcher?.stop();
    await cleanup();
  });

  it('counts the frames written since the start, not the ones on disk before it', async () => {
    const device = path.join(root, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    for (let s = 1; s <= 5; s++) await writeFrameLikeFfmpeg(device, s, T0 + s * FRAME_INTERVAL_MS);
    const frames: CapturedFrame[] = [];
    watcher = new CaptureWatcher({ device: 'capture1', deviceDir: device, rescanIntervalMs: 600_000, onFrame: (f) => frames.push(f) });
    await watcher.start();
    expect(watcher.figures).toEqual({ seen: 0, superseded: 0 });
    for (let s = 6; s <= 15; s++) await writeFrameLikeFfmpeg(device, s, T0 + s * FRAME_INTERVAL_MS);
    await waitFor(() => frames.length === 10, 'frames 6-15');
    expect(watcher.figures).toEqual({ seen: 10, superseded: 0 });
  });
});

import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCaptures } from '../../src/core/live/capture-listing.js';
import { stem, useFaultRigs } from '../faults/fault-rig.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { watchRss } from '../helpers/rss-watch.js';

/**
 * Issue 29 item 10: 200,000 old frames in the capture folder at start. The start-up listing and every
 * rescan read the whole folder into an array of names and sorted numbers (peak 128-185 MB, 69 MB with
 * 1,000 frames); the listing now streams and keeps the newest sequence and the frames worth a stat.
 */
const OLD_FRAMES = 200_000;
const MB = 1024 * 1024;
/**
 * The issue asks for a peak under 150 MB with 200,000 old frames; the streamed listing holds the
 * monitor at its 1,000-frame figure (~70 MB here), so the test asks for less, which the old listing
 * (155-166 MB here) never met.
 */
const PEAK_BOUND = 120 * MB;

/** Empty files named like frames: the listing reads names only (the newest's mtime, which an empty file has). */
function oldFrames(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) closeSync(openSync(path.join(dir, `${stem(i)}.jpg`), 'w'));
}

describe('listCaptures', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-listing-');
    oldFrames(path.join(tmp.dir, 'captures'), 5_000);
  });
  afterAll(() => tmp.cleanup());

  it('returns the newest sequence and the wanted ones, ascending', async () => {
    const all = await listCaptures(path.join(tmp.dir, 'captures'), () => true);
    expect(all.newest).toBe(4_999);
    expect(all.found).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    const none = await listCaptures(path.join(tmp.dir, 'captures'), () => false);
    expect(none).toEqual({ newest: 4_999, found: [] });
    const some = await listCaptures(path.join(tmp.dir, 'captures'), (s) => s % 1000 === 7);
    expect(some).toEqual({ newest: 4_999, found: [7, 1007, 2007, 3007, 4007] });
    expect(await listCaptures(path.join(tmp.dir, 'nowhere'), () => true)).toEqual({ newest: undefined, found: [] });
  });
});

describe('vpt monitor with 200,000 old frames in the capture folder', () => {
  const rigs = useFaultRigs('vpt-old-frames-');

  it('analyses the new frames, never the old ones, and its peak stays under 150 MB across rescans', async () => {
    const rig = await rigs.create();
    oldFrames(path.join(rig.live, 'captures'), OLD_FRAMES);
    const monitor = await rig.start();
    const rss = watchRss(monitor.pid, 1024 * MB);
    // 12 s of frames at 5 fps over ~12 s of wall time: at least two 5 s rescans of the full folder.
    for (let i = 0; i < 60; i++) {
      await rig.writeGood(OLD_FRAMES + i, 1);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let s = OLD_FRAMES; s < OLD_FRAMES + 60; s++) await rig.waitForFrame(s);
    expect(monitor.events.filter((e) => e.event === 'frame' && (e.sequence as number) < OLD_FRAMES)).toEqual([]);
    const peak = rss.peakBytes();
    rss.stop();
    expect(peak).toBeLessThan(PEAK_BOUND);
    rig.expectAlive();
    expect((await rig.stop()).exitCode).toBe(0);
  }, 180_000);
});

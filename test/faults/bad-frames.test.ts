import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/run-vpt.js';
import { expectNoPartialFiles, FaultRig, makeGoodFrames, stem, type GoodFrames } from './fault-rig.js';

/**
 * Issue 7, bad frames, on the real `vpt monitor` binary watching a live
 * folder: each fault frame is followed by good frames, which must be
 * analysed with their per-frame JSON; the fault itself is one warning line
 * naming the frame's file. One monitor serves the whole file (each test has
 * its own sequence range), so a fault that kills or stalls it fails every
 * later test too.
 */
let good: GoodFrames;
let rig: FaultRig;
let cleanupGood: () => Promise<void>;

beforeAll(async () => {
  const dir = await makeTempDir('vpt-faults-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
  rig = await FaultRig.create('vpt-faults-bad-', good);
  await rig.start();
}, 120_000);
afterAll(async () => {
  await rig?.cleanup();
  await cleanupGood?.();
});
afterEach(async () => {
  rig.expectAlive();
  rig.expectNoStackTrace();
  await expectNoPartialFiles(rig.metadata);
});

const json = async (sequence: number) => JSON.parse(await readFile(rig.jsonPath(sequence), 'utf8')) as Record<string, unknown>;

/** Write the fault at `base`, then 3 good frames; all four analysed (the fault with analyzed: false). */
async function faultThenGood(base: number, fault: () => Promise<void>): Promise<void> {
  await rig.writeGood(base - 2, 2);
  await rig.expectAnalysed([base - 2, base - 1]);
  await fault();
  await rig.waitForFrame(base);
  await rig.expectAnalysed(await rig.writeGood(base + 1, 3));
}

describe('vpt monitor, live: bad frames', () => {
  it('a zero-byte capture (and thumbnail): one line naming it, analyzed: false in its JSON, the next frames analysed', async () => {
    await faultThenGood(102, () => rig.write(102, '', ''));
    expect(rig.linesNaming(stem(102))).toEqual([`warning: [capture1] ${stem(102)}.jpg: capture empty file, thumbnail empty file`]);
    expect(await json(102)).toMatchObject({ analyzed: false, error: 'capture empty file, thumbnail empty file' });
  }, 60_000);

  it('a truncated JPEG: one line naming it, the next frames analysed', async () => {
    const capture = good.captures[0]!;
    const thumbnail = good.thumbnails[0]!;
    await faultThenGood(202, () => rig.write(202, capture.subarray(0, capture.length / 2), thumbnail.subarray(0, thumbnail.length / 2)));
    expect(rig.linesNaming(stem(202))).toEqual([`warning: [capture1] ${stem(202)}.jpg: capture truncated, thumbnail truncated`]);
    expect(await json(202)).toMatchObject({ analyzed: false, error: 'capture truncated, thumbnail truncated' });
  }, 60_000);

  it('a text file named .jpg: one line naming it, the next frames analysed', async () => {
    await faultThenGood(302, () => rig.write(302, 'ffmpeg: error while writing\n', 'not a picture either\n'));
    expect(rig.linesNaming(stem(302))).toEqual([`warning: [capture1] ${stem(302)}.jpg: capture not a JPEG, thumbnail not a JPEG`]);
    expect(await json(302)).toMatchObject({ analyzed: false, error: 'capture not a JPEG, thumbnail not a JPEG' });
  }, 60_000);

  it('a capture without its thumbnail: analysed from the capture, said once, the next frames analysed', async () => {
    await faultThenGood(402, () => rig.write(402, good.captures[2]!));
    // Not a bad frame: one line when thumbnails stop, one when they are back (the same policy as --replay).
    expect(rig.linesNaming(stem(402))).toEqual([
      `warning: [capture1] no thumbnail from ${stem(402)}.jpg on: analysing the captures instead (said once until thumbnails are back)`,
    ]);
    expect(rig.linesNaming(stem(403))).toEqual([`[capture1] thumbnails back at ${stem(403)}.jpg (1 frames analysed from the capture)`]);
    expect(await json(402)).toMatchObject({
      analyzed: true,
      source: 'capture',
      blackscreen: false,
      freeze: false,
      error: 'thumbnail missing: analysed the capture instead',
    });
  }, 60_000);

  it('a thumbnail of the wrong size: the capture is analysed instead, said once, the next frames analysed', async () => {
    const wrong = await sharp(good.thumbnails[2]!).resize(200, 100).jpeg().toBuffer();
    await faultThenGood(502, () => rig.write(502, good.captures[2]!, wrong));
    const expected = 'thumbnail wrong size 200x100 (expected 320x180): analysed the capture instead';
    expect(rig.linesNaming(stem(502))).toEqual([`warning: [capture1] ${stem(502)}.jpg: ${expected}`]);
    expect(await json(502)).toMatchObject({ analyzed: true, source: 'capture', blackscreen: false, freeze: false, error: expected });
  }, 60_000);

  it('a frame deleted between its event and its analysis: one line naming it, the next frames analysed', async () => {
    // 48 frames at once (under the backlog threshold of 50, so they are analysed in order, none reused as
    // late), without thumbnails so each costs a full capture decode. The watcher claims frames (a stat
    // and a completeness check each, one after another) while the first ones are analysed: a frame
    // deleted before its claim is never reported at all (as rotation deletes frames), which is not this
    // fault. So the monitor is frozen (SIGSTOP) only once the 16th is analysed, when the claims of the
    // batch are normally long done, and the 47th is deleted while it waits in the queue; then it runs
    // on. On a machine loaded enough for the claims to lag 30 frames behind the analysis (or the
    // analysis to reach the 47th first), the attempt says it raced and a new batch is tried.
    const ATTEMPTS = 3;
    const raced: string[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const base = 600 + attempt * 100;
      const batch = Array.from({ length: 48 }, (_, i) => base + i);
      for (const s of batch) await rig.write(s, good.captures[s % good.captures.length]!);
      const victim = base + 46;
      await rig.monitor.waitForEvent((e) => e.event === 'frame' && (e.sequence as number) >= base + 15, 'a third of the batch analysed');
      process.kill(rig.monitor.pid, 'SIGSTOP');
      const analysedAlready = rig.frameEvent(victim) !== undefined;
      try {
        if (!analysedAlready) await rm(rig.capturePath(victim));
      } finally {
        process.kill(rig.monitor.pid, 'SIGCONT');
      }
      await rig.waitForFrame(batch.at(-1)!);
      if (analysedAlready || rig.frameEvent(victim) === undefined) {
        raced.push(analysedAlready ? `${victim} analysed before it could be deleted` : `${victim} deleted before the watcher claimed it`);
        continue;
      }
      expect(rig.linesNaming(stem(victim))).toEqual([`warning: [capture1] ${stem(victim)}.jpg: capture missing, thumbnail missing`]);
      // Its files are gone, so is its JSON: nothing would remove one written now (rotation has passed it).
      expect(existsSync(rig.jsonPath(victim))).toBe(false);
      await rig.expectAnalysed(await rig.writeGood(base + 50, 3));
      return;
    }
    expect.fail(`every attempt raced: ${raced.join('; ')}`);
  }, 120_000);
});

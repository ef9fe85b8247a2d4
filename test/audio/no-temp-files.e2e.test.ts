import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultRig, makeGoodFrames, type GoodFrames } from '../faults/fault-rig.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 22: the monitor writes nothing to the temp folder, ever. A live run
 * on the real binary with audio on (real ffmpeg hearing real segments) and a
 * zap checked against that audio, under a private TMPDIR watched for every
 * creation from start to exit.
 */
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
let rig: FaultRig;
let watcher: FSWatcher | undefined;

beforeAll(async () => {
  const dir = await makeTempDir('vpt-no-temp-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);

afterAll(async () => {
  watcher?.close();
  await rig?.cleanup();
  await cleanupGood?.();
});

describe('vpt monitor, live, with audio and a zap', () => {
  it('creates nothing in its temp folder from start to exit', async () => {
    rig = await FaultRig.create('vpt-no-temp-', good);
    // The sound drops with the black gap (frames 10..14 = 2.0-3.0 s), as a channel change does.
    await generateSegments({
      dir: path.join(rig.live, 'segments'),
      audio: [
        { kind: 'tone', seconds: 2 },
        { kind: 'silence', seconds: 1 },
        { kind: 'tone', seconds: 7 },
      ],
    });
    const created: string[] = [];
    watcher = watch(rig.tmpDir, (_event, name) => created.push(String(name)));
    await rig.start([], { audio: true });
    await rig.expectAnalysed(await rig.writeGood(1, 9));
    const black = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    for (let s = 10; s <= 14; s++) await rig.write(s, black, black);
    for (let s = 10; s <= 14; s++) await rig.waitForFrame(s);
    // Frames on past the gap so that the segments after it are heard.
    for (let s = 15; s <= 40; s += 5) await rig.expectAnalysed(await rig.writeGood(s, 5));
    const zap = await rig.monitor.waitForEvent((e) => e.event === 'zap', 'the zap result');
    // Heard from the level stream: the drop is there, no merged file was needed.
    expect(zap).toMatchObject({ device: 'capture1', audio_check: 'checked', continuous_audio: false });
    const { exitCode } = await rig.stop();
    expect(exitCode).toBe(0);
    expect(created).toEqual([]);
    expect(await readdir(rig.tmpDir)).toEqual([]);
    rig.expectNoStackTrace();
  }, 120_000);
});

import { execa } from 'execa';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { progressiveOf, SOF, withDeclaredSize } from '../frames/hostile-jpegs.js';
import { FaultRig, makeGoodFrames, stem, type GoodFrames } from './fault-rig.js';

/**
 * Issue 16, items 1-3, on the real binary: frames that declare huge
 * dimensions, a FIFO named like a frame, a dangling or looping symlink as
 * the first frame. Each is one bad frame with one warning; the replay (or
 * the live monitor) goes on.
 */
/** Two seconds of moving colour bars at 5 fps. */
const FRAMES = 10;

describe('vpt monitor --replay: hostile frame files', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let device: string;
  const cap = (seq: number) => path.join(device, 'captures', `${stem(seq)}.jpg`);
  const thumb = (seq: number) => path.join(device, 'thumbnails', `${stem(seq)}_thumbnail.jpg`);
  const frameJson = async (seq: number) => JSON.parse(await readFile(path.join(device, 'metadata', `${stem(seq)}.json`), 'utf8')) as Record<string, unknown>;
  const replay = () => runVpt(['monitor', '--replay', '--no-audio', '--stream-root', root.dir, '--json'], { timeoutMs: 60_000 });

  beforeAll(async () => {
    root = await makeTempDir('vpt-hostile-replay-');
    device = path.join(root.dir, 'capture1');
  });
  afterAll(() => root.cleanup());
  afterEach(async () => {
    await rm(device, { recursive: true, force: true });
  });

  const build = async () => {
    const generated = await generateCapture(device, [{ kind: 'moving', seconds: 2 }]);
    expect(generated.frames).toBe(FRAMES);
  };

  it('a FIFO named like a frame (capture and thumbnail): one warning, the replay finishes, the other frames analysed', async () => {
    await build();
    for (const file of [cap(3), thumb(3)]) {
      await rm(file);
      await execa('mkfifo', [file]);
    }
    const run = await replay();
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([`warning: [capture1] ${stem(3)}.jpg: capture not a regular file, thumbnail not a regular file`]);
    expect(JSON.parse(run.stdout).devices[0]).toMatchObject({ frames: FRAMES, analysed: FRAMES - 1, errors: 1 });
    expect(await frameJson(3)).toMatchObject({ analyzed: false, error: 'capture not a regular file, thumbnail not a regular file' });
  }, 120_000);

  it.each([
    ['a dangling symlink', (file: string) => symlink(path.join(path.dirname(file), 'nowhere.jpg'), file), 'missing'],
    ['a symlink loop', (file: string) => symlink(path.basename(file), file), 'unreadable'],
  ])(
    '%s as the first frame (capture and thumbnail): one bad frame, the replay goes on',
    async (_name, make, reason) => {
      await build();
      for (const file of [cap(0), thumb(0)]) {
        await rm(file);
        await make(file);
      }
      const run = await replay();
      expect(run.stderr).not.toContain('unexpected error');
      expect(run.exitCode, run.stderr).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([`warning: [capture1] ${stem(0)}.jpg: capture ${reason}, thumbnail ${reason}`]);
      const summary = JSON.parse(run.stdout).devices[0];
      expect(summary).toMatchObject({ frames: FRAMES, errors: 1 });
      expect(await frameJson(1)).toMatchObject({ analyzed: true, source: 'thumbnail' });
      // The frame clock comes from the first frame that has a time: frame 1 keeps its own mtime.
      const mtime1 = (await import('node:fs')).statSync(cap(1)).mtimeMs;
      expect(Date.parse(String((await frameJson(1)).timestamp))).toBe(Math.round(mtime1));
    },
    120_000,
  );

  it('frames declaring 16383x16383 (baseline, progressive, arithmetic-coded) and one over 3840x2160: each one warning, refused before decoding', async () => {
    await build();
    const capture = await readFile(cap(1));
    const thumbnail = await readFile(thumb(1));
    const progressive = await progressiveOf(capture);
    const huge: [number, Buffer, Buffer][] = [
      [2, withDeclaredSize(capture, 16383, 16383, SOF.baseline), withDeclaredSize(thumbnail, 16383, 16383, SOF.baseline)],
      [3, withDeclaredSize(progressive, 16383, 16383, SOF.progressive), withDeclaredSize(await progressiveOf(thumbnail), 16383, 16383, SOF.progressive)],
      [4, withDeclaredSize(capture, 16383, 16383, SOF.arithmetic), withDeclaredSize(thumbnail, 16383, 16383, SOF.arithmetic)],
      [5, withDeclaredSize(progressive, 3841, 2160, SOF.progressive), withDeclaredSize(thumbnail, 65535, 1, SOF.baseline)],
    ];
    for (const [seq, c, t] of huge) {
      await writeFile(cap(seq), c);
      await writeFile(thumb(seq), t);
    }
    // Frame 6: only the thumbnail is hostile; the capture is analysed instead.
    await writeFile(thumb(6), withDeclaredSize(thumbnail, 16383, 16383, SOF.progressive));
    const run = await replay();
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `warning: [capture1] ${stem(2)}.jpg: capture too large (declares 16383x16383, over 3840x2160), thumbnail too large (declares 16383x16383, over 320x180)`,
      `warning: [capture1] ${stem(3)}.jpg: capture too large (declares 16383x16383, over 3840x2160), thumbnail too large (declares 16383x16383, over 320x180)`,
      `warning: [capture1] ${stem(4)}.jpg: capture too large (declares 16383x16383, over 3840x2160), thumbnail too large (declares 16383x16383, over 320x180)`,
      `warning: [capture1] ${stem(5)}.jpg: capture too large (declares 3841x2160, over 3840x2160), thumbnail too large (declares 65535x1, over 320x180)`,
      `warning: [capture1] ${stem(6)}.jpg: thumbnail too large (declares 16383x16383, over 320x180): analysed the capture instead`,
    ]);
    expect(JSON.parse(run.stdout).devices[0]).toMatchObject({ frames: FRAMES, analysed: FRAMES - 4, errors: 5 });
    expect(await frameJson(6)).toMatchObject({ analyzed: true, source: 'capture' });
  }, 120_000);
});

describe('vpt monitor, live: a FIFO named like a frame', () => {
  let good: GoodFrames;
  let cleanupGood: () => Promise<void>;
  let rig: FaultRig | undefined;
  beforeAll(async () => {
    const dir = await makeTempDir('vpt-hostile-good-');
    cleanupGood = dir.cleanup;
    good = await makeGoodFrames(path.join(dir.dir, 'src'), 2);
  }, 120_000);
  afterAll(async () => {
    await rig?.cleanup();
    await cleanupGood?.();
  });

  it('the FIFO is one bad frame, later frames are analysed, and SIGTERM still stops the monitor in time', async () => {
    rig = await FaultRig.create('vpt-hostile-fifo-', good);
    await rig.start();
    await rig.expectAnalysed(await rig.writeGood(1, 2));
    await execa('mkfifo', [rig.thumbnailPath(3)]);
    await execa('mkfifo', [path.join(rig.live, 'captures', 'fifo.tmp')]);
    await execa('mv', [path.join(rig.live, 'captures', 'fifo.tmp'), rig.capturePath(3)]);
    await rig.waitForFrame(3, 10_000);
    await rig.expectAnalysed(await rig.writeGood(4, 3));
    expect(rig.linesNaming(`${stem(3)}.jpg`)).toEqual([`warning: [capture1] ${stem(3)}.jpg: capture not a regular file, thumbnail not a regular file`]);
    rig.expectAlive();
    const { exitCode, ms } = await rig.stop();
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(5_000);
  }, 60_000);
});

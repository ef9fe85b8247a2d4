import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedSettings } from '../../src/core/config/device-settings.js';
import { FREEZE_RING_SIZE } from '../../src/core/detectors/index.js';
import type { GrayFrame } from '../../src/core/frames/gray-frame.js';
import { BACKLOG_SAMPLE_EVERY, FrameAnalyzer } from '../../src/core/pipeline/frame-analyzer.js';
import { loadFrame, type LoadedFrame } from '../../src/core/pipeline/frame-loader.js';
import { makeTempDir, REAL_FIXTURES } from '../helpers/run-vpt.js';

const W = 320;
const H = 180;
/** A frame of one grey level with a `seed`-dependent pattern, so consecutive seeds differ everywhere. */
function gray(level: number, seed = 0): GrayFrame {
  const data = new Uint8Array(W * H);
  for (let i = 0; i < data.length; i++) data[i] = seed === 0 ? level : (level + ((i * 7 + seed * 97) % 120)) % 256;
  return { data, width: W, height: H };
}
const loaded = (sequence: number, thumb: GrayFrame, capturePath = '/nonexistent.jpg'): LoadedFrame => ({
  files: { sequence, capturePath, thumbnailPath: '/nonexistent_thumbnail.jpg' },
  thumb,
  source: 'thumbnail',
  error: undefined,
  gone: false,
  loadMs: 0,
});

describe('FrameAnalyzer', () => {
  it('lets a blackscreen suppress freeze (and audio loss), and forgets black frames as freeze references', async () => {
    const a = new FrameAnalyzer();
    for (let i = 0; i < 4; i++) {
      const r = await a.analyze(loaded(i, gray(0)));
      expect(r.verdicts).toMatchObject({ blackscreen: true, freeze: false });
      expect(r.freeze).toBeUndefined();
      expect(r.suppressesAudioLoss).toBe(true);
      expect(a.heldThumbnails).toBe(0);
    }
    // The picture is back: no comparison against the black frames.
    expect((await a.analyze(loaded(4, gray(128)))).freeze?.diffs).toEqual([]);
  });

  it('freezes on the third identical frame (2 comparisons) and lets freeze suppress macroblocks', async () => {
    const a = new FrameAnalyzer(fixedSettings({ macroblocks: true }));
    const still = gray(128, 3);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await a.analyze(loaded(i, still, path.join(REAL_FIXTURES, 'banner.jpg'))));
    expect(results.map((r) => r.verdicts.freeze)).toEqual([false, false, true, true]);
    // Not frozen yet: macroblocks ran on the full capture. Frozen: not run.
    expect(results[0]!.macroblocks).toBeDefined();
    expect(results[2]!.macroblocks).toBeUndefined();
    expect(results[2]!.verdicts.macroblocks).toBeUndefined();
  });

  it('runs no macroblock detection unless asked', async () => {
    const r = await new FrameAnalyzer().analyze(loaded(0, gray(128, 1), path.join(REAL_FIXTURES, 'banner.jpg')));
    expect(r.macroblocks).toBeUndefined();
  });

  it(`under backlog, runs blackscreen and freeze on one frame in ${BACKLOG_SAMPLE_EVERY} and reuses the result between`, async () => {
    const a = new FrameAnalyzer();
    const sampled: boolean[] = [];
    const black: boolean[] = [];
    // Content turns black at frame 2: sampling only notices at the next full frame (5).
    for (let i = 0; i < 11; i++) {
      const r = await a.analyze(loaded(i, i >= 2 ? gray(0) : gray(128, i + 1)), true);
      sampled.push(r.sampled);
      black.push(r.verdicts.blackscreen);
    }
    expect(sampled).toEqual([false, true, true, true, true, false, true, true, true, true, false]);
    expect(black).toEqual([false, false, false, false, false, true, true, true, true, true, true]);
    // Without the flag every frame is analysed.
    const b = new FrameAnalyzer();
    for (let i = 0; i < 6; i++) expect((await b.analyze(loaded(i, gray(128, i + 1)), false)).sampled).toBe(false);
  });

  it(`keeps at most ${FREEZE_RING_SIZE} thumbnails whatever the number of frames`, async () => {
    const a = new FrameAnalyzer();
    for (let i = 0; i < 200; i++) {
      await a.analyze(loaded(i, gray(100, i + 1)));
      expect(a.heldThumbnails).toBeLessThanOrEqual(FREEZE_RING_SIZE);
    }
  });

  it('reports an undecodable frame as not analysed, without touching the state', async () => {
    const a = new FrameAnalyzer();
    const r = await a.analyze({ ...loaded(0, gray(0)), thumb: undefined, error: 'capture empty file, thumbnail missing' });
    expect(r).toMatchObject({ analyzed: false, error: 'capture empty file, thumbnail missing', verdicts: { blackscreen: false, freeze: false } });
    expect(a.heldThumbnails).toBe(0);
  });
});

describe('loadFrame', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-load-');
  });
  afterEach(() => tmp.cleanup());

  it('falls back to the capture shrunk to 320x180 when the thumbnail is missing or bad', async () => {
    const capture = path.join(tmp.dir, 'capture_000000001.jpg');
    await copyFile(path.join(REAL_FIXTURES, 'banner.jpg'), capture);
    const thumb = path.join(tmp.dir, 'capture_000000001_thumbnail.jpg');
    let frame = await loadFrame({ sequence: 1, capturePath: capture, thumbnailPath: thumb });
    expect(frame).toMatchObject({ source: 'capture', error: 'thumbnail missing: analysed the capture instead' });
    expect([frame.thumb?.width, frame.thumb?.height]).toEqual([320, 180]);
    await writeFile(thumb, 'garbage');
    frame = await loadFrame({ sequence: 1, capturePath: capture, thumbnailPath: thumb });
    expect(frame.error).toBe('thumbnail not a JPEG: analysed the capture instead');
  });

  it('says what is wrong with both files when nothing decodes', async () => {
    const capture = path.join(tmp.dir, 'capture_000000001.jpg');
    await writeFile(capture, '');
    const frame = await loadFrame({ sequence: 1, capturePath: capture, thumbnailPath: path.join(tmp.dir, 'none.jpg') });
    expect(frame).toMatchObject({ thumb: undefined, source: undefined, error: 'capture empty file, thumbnail missing' });
  });

  it('uses the thumbnail when it is good', async () => {
    const thumb = path.join(tmp.dir, 't.jpg');
    await copyFile(path.join(REAL_FIXTURES, 'freeze_1.jpg'), thumb);
    const frame = await loadFrame({ sequence: 1, capturePath: path.join(tmp.dir, 'missing.jpg'), thumbnailPath: thumb });
    expect(frame).toMatchObject({ source: 'thumbnail', error: undefined });
  });
});

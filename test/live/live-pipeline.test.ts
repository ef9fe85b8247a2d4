import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../../src/core/live/capture-watcher.js';
import { fixedSettings } from '../../src/core/config/device-settings.js';
import { livePipelineFactory } from '../../src/core/live/live-pipeline.js';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * The live pipeline on real fixture frames: a frame whose files are gone by
 * the time it is analysed (hot rotation overtook a backlogged queue) leaves
 * no per-frame JSON behind, whether it was decoded (in order) or reused from
 * the last result (late, under backlog). Before, each wrote a JSON that
 * nothing ever removed from the hot metadata folder.
 */
const stem = (s: number) => `capture_${String(s).padStart(9, '0')}`;

let tmp: { dir: string; cleanup: () => Promise<void> };
let device: string;
const warnings: string[] = [];

beforeEach(async () => {
  tmp = await makeTempDir('vpt-pipeline-');
  device = path.join(tmp.dir, 'capture1');
  await buildFixtureDevice(device, [FIXTURE.subtitles, FIXTURE.menu, FIXTURE.nearA, FIXTURE.nearB, FIXTURE.subtitles, FIXTURE.menu], { first: 10 });
  warnings.length = 0;
});
afterEach(async () => tmp.cleanup());

function frameOf(sequence: number): CapturedFrame {
  return {
    device: 'capture1',
    sequence,
    path: path.join(device, 'captures', `${stem(sequence)}.jpg`),
    mtimeMs: Date.now() - 60_000 + sequence * 200,
    hot: false,
  };
}
const newPipeline = () =>
  livePipelineFactory({ settings: { forDevice: () => fixedSettings() }, checkAudio: false, onWarning: (m) => warnings.push(m) })('capture1', device);
const jsonPath = (sequence: number) => path.join(device, 'metadata', `${stem(sequence)}.json`);
const removeFrame = (sequence: number) => Promise.all([rm(frameOf(sequence).path), rm(path.join(device, 'thumbnails', `${stem(sequence)}_thumbnail.jpg`))]);

describe('live pipeline: frames gone before their analysis', () => {
  it('an in-order frame whose capture and thumbnail are gone: one warning naming it, no per-frame JSON', async () => {
    const pipeline = newPipeline();
    await pipeline.frame(frameOf(10), { sample: false, late: false });
    await removeFrame(11);
    await pipeline.frame(frameOf(11), { sample: false, late: false });
    await pipeline.frame(frameOf(12), { sample: false, late: false });
    await pipeline.close?.();
    expect(existsSync(jsonPath(10))).toBe(true);
    expect(existsSync(jsonPath(11))).toBe(false);
    expect(JSON.parse(await readFile(jsonPath(12), 'utf8'))).toMatchObject({ analyzed: true, filename: `${stem(12)}.jpg` });
    expect(warnings).toEqual([`[capture1] ${stem(11)}.jpg: capture missing, thumbnail missing`]);
  });

  it('a frame with only its thumbnail gone is still analysed from the capture, with its JSON', async () => {
    const pipeline = newPipeline();
    await rm(path.join(device, 'thumbnails', `${stem(11)}_thumbnail.jpg`));
    await pipeline.frame(frameOf(11), { sample: false, late: false });
    await pipeline.close?.();
    expect(JSON.parse(await readFile(jsonPath(11), 'utf8'))).toMatchObject({ analyzed: true, source: 'capture' });
  });

  it('a late frame (reusing the last result under backlog) gets its JSON only while its capture exists', async () => {
    const pipeline = newPipeline();
    await pipeline.frame(frameOf(15), { sample: true, late: false });
    await removeFrame(12);
    await pipeline.frame(frameOf(13), { sample: true, late: true });
    await pipeline.frame(frameOf(12), { sample: true, late: true });
    await pipeline.close?.();
    expect(JSON.parse(await readFile(jsonPath(13), 'utf8'))).toMatchObject({ filename: `${stem(13)}.jpg` });
    expect(existsSync(jsonPath(12))).toBe(false);
    expect(warnings).toEqual([]);
  });
});

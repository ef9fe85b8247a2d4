import { execa } from 'execa';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FrameAnalysis } from '../../src/core/pipeline/frame-analyzer.js';
import { buildFrameRecord, MAX_FRAME_JSON_BYTES, writeFrameJson } from '../../src/core/pipeline/frame-json.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const analysis = (over: Partial<FrameAnalysis> = {}): FrameAnalysis => ({
  sequence: 7,
  analyzed: true,
  error: undefined,
  gone: false,
  source: 'thumbnail',
  blackscreen: { detected: false, darkPercent: 12.3456 },
  zap: { detected: false, edgeDensityPercent: undefined },
  freeze: { detected: true, diffs: [0.1234, 0, 1.9999] },
  macroblocks: undefined,
  verdicts: { blackscreen: false, zap: false, freeze: true, macroblocks: undefined },
  suppressesAudioLoss: true,
  sampled: false,
  performanceMs: 3.14159,
  ...over,
});
const T = Date.UTC(2025, 9, 17, 12, 0, 0);

describe('per-frame JSON', () => {
  it('carries the verdicts, the numbers behind them and the ongoing sequences', () => {
    const record = buildFrameRecord({
      analysis: analysis(),
      timeMs: T + 1400,
      ongoing: [{ device: 'c', type: 'freeze', startSequence: 0, startMs: T, durationMs: 1400, lastMs: T + 1400, confirmed: false }],
    });
    expect(record).toMatchObject({
      analyzed: true,
      filename: 'capture_000000007.jpg',
      sequence: 7,
      blackscreen: false,
      blackscreen_percentage: 12.35,
      zap: false,
      zap_edge_density_percentage: null,
      freeze: true,
      freeze_diffs: [0.12, 0, 2],
      macroblocks: null,
      audio: null,
      freeze_event_duration_ms: 1400,
      performance_ms: 3.14,
    });
    expect(Date.parse(record.timestamp as string)).toBe(T + 1400);
    expect(Date.parse(record.freeze_event_start as string)).toBe(T);
    expect(record).not.toHaveProperty('mean_volume_db');
    expect(record).not.toHaveProperty('blackscreen_event_start');
  });

  it('has no verdicts but an error for a frame that could not be decoded', () => {
    const record = buildFrameRecord({
      analysis: analysis({ analyzed: false, error: 'capture truncated, thumbnail missing', blackscreen: undefined, freeze: undefined, zap: undefined }),
      timeMs: T,
      ongoing: [],
    });
    expect(record).toMatchObject({ analyzed: false, error: 'capture truncated, thumbnail missing' });
    expect(record).not.toHaveProperty('blackscreen');
    expect(record).not.toHaveProperty('freeze');
  });

  it('includes mean_volume_db only when audio knows it', () => {
    const record = buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [], audio: { audio: true, meanVolumeDb: -23.456 } });
    expect(record).toMatchObject({ audio: true, mean_volume_db: -23.46 });
  });

  describe('writing', () => {
    let tmp: { dir: string; cleanup: () => Promise<void> };
    beforeEach(async () => {
      tmp = await makeTempDir('vpt-frame-json-');
      await mkdir(tmp.dir, { recursive: true });
    });
    afterEach(() => tmp.cleanup());
    const file = () => path.join(tmp.dir, 'capture_000000007.json');

    it("merges into existing JSON: other tools' keys kept, vpt's stale keys dropped", async () => {
      await writeFile(file(), JSON.stringify({ last_action: 'chup', freeze: 'old', blackscreen_event_start: 'stale', blackscreen_event_duration_ms: 9 }));
      const result = await writeFrameJson(tmp.dir, buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [] }), 7);
      expect(result.replacedCorrupt).toBe(false);
      const json = JSON.parse(await readFile(file(), 'utf8'));
      expect(json).toMatchObject({ last_action: 'chup', freeze: true });
      expect(json).not.toHaveProperty('blackscreen_event_start');
      expect(json).not.toHaveProperty('blackscreen_event_duration_ms');
      expect(await readdir(tmp.dir)).toEqual(['capture_000000007.json']);
    });

    it.each(['{"cut": ', '[1,2]', 'null', ''])('replaces corrupt existing content %j', async (content) => {
      await writeFile(file(), content);
      const result = await writeFrameJson(tmp.dir, buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [] }), 7);
      expect(result.replacedCorrupt).toBe(true);
      expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ analyzed: true });
    });

    it('an existing file over MAX_FRAME_JSON_BYTES is replaced unread, like corrupt content', async () => {
      await writeFile(file(), JSON.stringify({ other_tool: 'x'.repeat(MAX_FRAME_JSON_BYTES) }));
      const result = await writeFrameJson(tmp.dir, buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [] }), 7);
      expect(result.replacedCorrupt).toBe(true);
      const json = JSON.parse(await readFile(file(), 'utf8'));
      expect(json).toMatchObject({ analyzed: true });
      expect(json).not.toHaveProperty('other_tool');
      // Just under the bound it is still merged.
      await writeFile(file(), JSON.stringify({ other_tool: 'x'.repeat(MAX_FRAME_JSON_BYTES - 100) }));
      expect((await writeFrameJson(tmp.dir, buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [] }), 7)).replacedCorrupt).toBe(false);
      expect(JSON.parse(await readFile(file(), 'utf8'))).toHaveProperty('other_tool');
    });

    it('a FIFO under the frame JSON name is read as empty and replaced, not waited on', async () => {
      await execa('mkfifo', [file()]);
      const result = await writeFrameJson(tmp.dir, buildFrameRecord({ analysis: analysis(), timeMs: T, ongoing: [] }), 7);
      expect(result.replacedCorrupt).toBe(true);
      expect((await stat(file())).isFile()).toBe(true);
      expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ analyzed: true });
    });
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { makeTempDir, runVpt, type VptRun } from '../helpers/run-vpt.js';

/**
 * Issue 3 acceptance on the farm's real frames, through the real binary:
 * the verdicts land in each frame's JSON and in the replay summary.
 */

const SCRIPT = [
  FIXTURE.subtitles, // 0
  FIXTURE.zapTv, // 1
  FIXTURE.subtitles, // 2
  FIXTURE.zapMobile, // 3
  FIXTURE.menu, // 4
  // The near-identical pair, alternating: close, but never a freeze.
  FIXTURE.nearA, // 5
  FIXTURE.nearB,
  FIXTURE.nearA,
  FIXTURE.nearB,
  FIXTURE.nearA,
  FIXTURE.nearB, // 10
  // A run of identical frames after other content: frozen once all 3 previous are the same.
  FIXTURE.frozen, // 11
  FIXTURE.frozen,
  FIXTURE.frozen,
  FIXTURE.frozen, // 14
  FIXTURE.frozen,
  FIXTURE.menu, // 16
] as const;

/** A device that starts frozen: with only 2 previous frames, 2 "same" comparisons are enough. */
const STARTS_FROZEN = [FIXTURE.frozen, FIXTURE.frozen, FIXTURE.frozen, FIXTURE.frozen, FIXTURE.subtitles] as const;

describe('vpt monitor --replay on the real fixtures', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let run: VptRun;
  const frameJson = async (device: string, seq: number) =>
    JSON.parse(await readFile(path.join(root.dir, device, 'metadata', `capture_${String(seq).padStart(9, '0')}.json`), 'utf8')) as Record<string, unknown>;

  beforeAll(async () => {
    root = await makeTempDir('vpt-replay-real-');
    await buildFixtureDevice(path.join(root.dir, 'capture1'), SCRIPT);
    await buildFixtureDevice(path.join(root.dir, 'capture2'), STARTS_FROZEN);
    run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
  }, 180_000);
  afterAll(() => root.cleanup());

  it('exits 0 with one JSON summary covering both devices', () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.devices.map((d: { device: string; frames: number }) => [d.device, d.frames])).toEqual([
      ['capture1', SCRIPT.length],
      ['capture2', STARTS_FROZEN.length],
    ]);
  });

  it('gives blackscreen and zap on both zapping screens, with the numbers behind them', async () => {
    for (const seq of [1, 3]) {
      const json = await frameJson('capture1', seq);
      expect(json, `frame ${seq}`).toMatchObject({ analyzed: true, blackscreen: true, zap: true, freeze: false });
      expect(json.blackscreen_percentage as number).toBeGreaterThan(85);
      expect(json.zap_edge_density_percentage as number).toBeGreaterThanOrEqual(3);
      expect(json.zap_edge_density_percentage as number).toBeLessThanOrEqual(20);
    }
    const summary = JSON.parse(run.stdout);
    const zaps = summary.devices[0].zaps.map((z: { start_sequence: number; end_sequence: number }) => [z.start_sequence, z.end_sequence]);
    expect(zaps).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gives neither blackscreen nor zap nor freeze on subtitle and menu frames', async () => {
    for (const seq of [0, 2, 4, 5, 16]) {
      const json = await frameJson('capture1', seq);
      expect(json, `frame ${seq}`).toMatchObject({ analyzed: true, blackscreen: false, zap: false, freeze: false });
    }
  });

  it('never gives freeze on the near-identical pair', async () => {
    for (let seq = 5; seq <= 10; seq++) {
      const json = await frameJson('capture1', seq);
      expect(json.freeze, `frame ${seq} diffs ${JSON.stringify(json.freeze_diffs)}`).toBe(false);
      // At least one comparison found a region that counts as motion each time (its area is reported).
      if (seq > 5) expect(Math.max(...(json.freeze_changed_area as number[]))).toBeGreaterThan(0);
    }
  });

  it('gives freeze on a run of identical frames once every comparison (at least 2) is under 2%', async () => {
    const verdicts: boolean[] = [];
    for (let seq = 11; seq <= 15; seq++) verdicts.push((await frameJson('capture1', seq)).freeze as boolean);
    // 11: vs other content; 12: [same, different]; 13: [same, same, different]; 14 on: [same, same, same].
    expect(verdicts).toEqual([false, false, false, true, true]);
    expect((await frameJson('capture1', 14)).freeze_diffs).toEqual([0, 0, 0]);
    expect((await frameJson('capture1', 16)).freeze).toBe(false);

    const starts: boolean[] = [];
    for (let seq = 0; seq < 4; seq++) starts.push((await frameJson('capture2', seq)).freeze as boolean);
    // The third frame has 2 comparisons, both "same": frozen.
    expect(starts).toEqual([false, false, true, true]);
    expect((await frameJson('capture2', 2)).freeze_diffs).toEqual([0, 0]);
  });

  it('marks ongoing sequences in the frame JSON with their start and duration on the frame clock', async () => {
    const json = await frameJson('capture1', 15);
    // Dated back to the first frame of the identical run (11), as ffmpeg's freezedetect does, not to the first frozen verdict (14).
    expect(json.freeze_event_start).toBe((await frameJson('capture1', 11)).timestamp);
    expect(json.freeze_event_duration_ms).toBe(800);
    expect(json).not.toHaveProperty('blackscreen_event_start');
  });
});

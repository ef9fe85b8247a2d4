import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { buildFreezeFixtures, FREEZE_CASES } from './freeze-fixtures.js';

/**
 * Issue 23 acceptance through the real binary: every generated capture of
 * freeze-fixtures.ts replayed with `vpt monitor --replay`, and each frame's
 * verdicts read back from its per-frame JSON. The default rule must give
 * exactly the expected string: no flicker at an encoder refresh, noise and
 * gain flicker on a still frozen, small and low-contrast motion never
 * frozen, a fade neither frozen nor black until black. A freeze event is
 * dated to the first frame of the frozen run.
 */

interface FrameJson {
  timestamp: string;
  freeze: boolean;
  blackscreen: boolean;
  freeze_event_start?: string;
  freeze_rule?: string;
  freeze_changed_area?: number[];
  freeze_pixel_threshold?: number;
}

describe('freeze on generated captures (vpt monitor --replay)', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  const frame = async (device: string, seq: number): Promise<FrameJson> =>
    JSON.parse(await readFile(path.join(root.dir, device, 'metadata', `capture_${String(seq).padStart(9, '0')}.json`), 'utf8')) as FrameJson;
  const verdicts = async (device: string, frames: number, key: 'freeze' | 'blackscreen', mark: string): Promise<string> => {
    let out = '';
    for (let seq = 0; seq < frames; seq++) out += (await frame(device, seq))[key] ? mark : '.';
    return out;
  };

  beforeAll(async () => {
    root = await makeTempDir('vpt-freeze-fixtures-');
    await buildFreezeFixtures(root.dir);
    const run = await runVpt(
      ['monitor', '--replay', '--stream-root', root.dir, '--devices', FREEZE_CASES.map((c) => c.name).join(','), '--no-audio', '--json'],
      { timeoutMs: 240_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  }, 600_000);
  afterAll(() => root.cleanup());

  it.each(FREEZE_CASES.map((c) => [c.name, c] as const))('%s: the expected verdict on every frame', async (_name, c) => {
    expect(await verdicts(c.name, c.frames, 'freeze', 'F')).toBe(c.freeze);
    if (c.black !== undefined) expect(await verdicts(c.name, c.frames, 'blackscreen', 'B')).toBe(c.black);
    expect((await frame(c.name, c.frames - 1)).freeze_rule ?? 'motion').toBe('motion');
  });

  it('a freeze event starts on the first frame of the frozen run, not on its first frozen verdict', async () => {
    // The x264 still is the same picture from frame 0; frame 2 is the first verdict (2 comparisons).
    expect((await frame('x264', 2)).freeze_event_start).toBe((await frame('x264', 0)).timestamp);
    expect((await frame('x264', 39)).freeze_event_start).toBe((await frame('x264', 0)).timestamp);
  });

  it("the threshold follows each pair's own noise: high on the sigma-8 still, the pixel diff on a clean one", async () => {
    expect((await frame('noise8', 20)).freeze_pixel_threshold).toBeGreaterThan(30);
    expect((await frame('x264', 20)).freeze_pixel_threshold).toBe(10);
  });
});

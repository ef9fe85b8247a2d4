import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { makeTempDir, REAL_FIXTURES, runVpt } from '../helpers/run-vpt.js';
import { MOTION_GRAPHS, motionDevice, noisyFrozenDevice, SEQUENCE_FRAMES } from './motion-sequences.js';

/**
 * Issue 13 acceptance, through the real binary: generated captures
 * (1280x720 JPEG, 320x180 nearest-neighbour thumbnails as the farm makes
 * them) replayed with `vpt monitor --replay`, verdicts read from the
 * per-frame JSON. Small motion is never frozen under the default rule (and
 * is, under `--freeze-rule seed`: the defect the rule fixes); a still
 * picture under Gaussian noise re-encoded every frame is frozen; a change
 * only inside a configured mask is frozen.
 */

const MOVING = ['box', 'spinner', 'wipe', 'ball'] as const;
const CONFIG = `
[devices.masked]
# The moving box of the "clock" sequence lives in x 1110-1230, y 35-65.
ignore = [ { x = 1100, y = 20, w = 160, h = 60 } ]
`;

interface FrameJson {
  freeze: boolean;
  freeze_rule?: string;
  freeze_changed_area?: number[];
  freeze_noise_floor?: number;
  freeze_pixel_threshold?: number;
  masked_percentage: number;
}

describe('freeze rule on generated sequences (vpt monitor --replay)', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let config: string;
  const devices = [...MOVING, 'noise2', 'noise4', 'masked', 'unmasked', 'still', 'near'];

  const frame = async (device: string, seq: number): Promise<FrameJson> =>
    JSON.parse(await readFile(path.join(root.dir, device, 'metadata', `capture_${String(seq).padStart(9, '0')}.json`), 'utf8')) as FrameJson;
  const verdicts = async (device: string, frames = SEQUENCE_FRAMES): Promise<string> => {
    let out = '';
    for (let seq = 0; seq < frames; seq++) out += (await frame(device, seq)).freeze ? 'F' : '.';
    return out;
  };
  const replay = async (...flags: string[]) => {
    const run = await runVpt(
      ['monitor', '--replay', '--stream-root', root.dir, '--devices', devices.join(','), '--no-audio', '--config', config, '--json', ...flags],
      {
        timeoutMs: 120_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  };

  beforeAll(async () => {
    root = await makeTempDir('vpt-freeze-seq-');
    config = path.join(root.dir, 'vpt.toml');
    await writeFile(config, CONFIG);
    for (const name of MOVING) await motionDevice(path.join(root.dir, name), MOTION_GRAPHS[name]);
    await motionDevice(path.join(root.dir, 'masked'), MOTION_GRAPHS.clock);
    await motionDevice(path.join(root.dir, 'unmasked'), MOTION_GRAPHS.clock);
    await noisyFrozenDevice(path.join(root.dir, 'noise2'), path.join(REAL_FIXTURES, FIXTURE.frozen), 2);
    await noisyFrozenDevice(path.join(root.dir, 'noise4'), path.join(REAL_FIXTURES, FIXTURE.subtitles), 4);
    await buildFixtureDevice(path.join(root.dir, 'still'), Array<string>(6).fill(FIXTURE.frozen));
    await buildFixtureDevice(path.join(root.dir, 'near'), [FIXTURE.nearA, FIXTURE.nearB, FIXTURE.nearA, FIXTURE.nearB, FIXTURE.nearA, FIXTURE.nearB]);
  }, 300_000);
  afterAll(() => root.cleanup());

  describe('default rule (motion)', () => {
    beforeAll(() => replay(), 180_000);

    it.each(MOVING)('%s: never frozen', async (name) => {
      expect(await verdicts(name)).toBe('.'.repeat(SEQUENCE_FRAMES));
      const json = await frame(name, 6);
      // The evidence: the comparison that found motion reports its region (counting stops once it counts).
      expect(json.freeze_rule).toBe('motion');
      expect(Math.max(...json.freeze_changed_area!)).toBeGreaterThan(0);
    });

    it.each([
      ['noise2', 'sigma 2 on the frozen fixture'],
      ['noise4', 'sigma 4 on the subtitles fixture'],
    ])('%s (%s): frozen from the third frame on, the pair noise measured', async (name) => {
      expect(await verdicts(name)).toBe(`..${'F'.repeat(SEQUENCE_FRAMES - 2)}`);
      const json = await frame(name, 8);
      // Specks of grain are left, each under --motion-min-area (256 capture pixels).
      for (const area of json.freeze_changed_area!) expect(area).toBeLessThan(256);
      expect(json.freeze_noise_floor).toBeGreaterThan(0.5);
      expect(json.freeze_pixel_threshold).toBeGreaterThan(10);
    });

    it('real fixtures keep their verdicts: identical frames freeze, the near-identical pair does not', async () => {
      expect(await verdicts('still', 6)).toBe('..FFFF');
      expect(await verdicts('near', 6)).toBe('......');
    });

    it('a change only inside a mask is frozen; the same frames without the mask are not', async () => {
      expect(await verdicts('masked')).toBe(`..${'F'.repeat(SEQUENCE_FRAMES - 2)}`);
      expect(await verdicts('unmasked')).toBe('.'.repeat(SEQUENCE_FRAMES));
      // 160x60 capture pixels = 40x15 thumbnail pixels of 320x180.
      expect((await frame('masked', 5)).masked_percentage).toBeCloseTo((40 * 15 * 100) / (320 * 180), 2);
      expect((await frame('unmasked', 5)).masked_percentage).toBe(0);
    });
  });

  describe('--freeze-rule seed (the old verdicts)', () => {
    beforeAll(() => replay('--freeze-rule', 'seed'), 180_000);

    it.each(MOVING)('%s: frozen, each frame changing under 2%% of the pixels', async (name) => {
      expect(await verdicts(name)).toMatch(/F{8}$/);
      expect((await frame(name, 6)).freeze_rule).toBe('seed');
    });

    it('keeps the real fixtures verdicts', async () => {
      expect(await verdicts('still', 6)).toBe('..FFFF');
      expect(await verdicts('near', 6)).toBe('......');
    });
  });
});

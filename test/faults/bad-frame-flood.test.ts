import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_FRAME_WARNINGS_PER_WINDOW } from '../../src/core/pipeline/warning-limiter.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { FaultRig, makeGoodFrames } from './fault-rig.js';

/** A grabber writing garbage for a while: the journal gets a bounded number of lines, every frame its JSON. */
let rig: FaultRig;
let cleanupGood: () => Promise<void>;

beforeAll(async () => {
  const dir = await makeTempDir('vpt-faults-flood-good-');
  cleanupGood = dir.cleanup;
  rig = await FaultRig.create('vpt-faults-flood-', await makeGoodFrames(path.join(dir.dir, 'src'), 1));
  await rig.start();
}, 120_000);
afterAll(async () => {
  await rig?.cleanup();
  await cleanupGood?.();
});

describe('vpt monitor, live: a flood of bad frames', () => {
  it(`30 empty frames in a row: ${BAD_FRAME_WARNINGS_PER_WINDOW} lines, not 30; each frame's JSON says what was wrong; good frames go on`, async () => {
    const bad = Array.from({ length: 30 }, (_, i) => 10 + i);
    for (const s of bad) await rig.write(s, '', '');
    await rig.waitForFrame(bad.at(-1)!);
    await rig.expectAnalysed(await rig.writeGood(50, 3));
    const lines = bad.flatMap((s) => rig.linesNaming(`capture_${String(s).padStart(9, '0')}`));
    expect(lines).toHaveLength(BAD_FRAME_WARNINGS_PER_WINDOW);
    for (const s of bad) {
      const json = JSON.parse(await readFile(rig.jsonPath(s), 'utf8')) as Record<string, unknown>;
      expect(json).toMatchObject({ analyzed: false, error: 'capture empty file, thumbnail empty file' });
    }
    rig.expectAlive();
    rig.expectNoStackTrace();
  }, 60_000);
});

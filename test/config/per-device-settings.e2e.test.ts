import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * A device-scoped setting of vpt.toml reaches that device only, through the
 * real binary. stall_after was checked and printed by --check-config, then
 * ignored: every device stalled after the one process-wide value.
 */
let root: string;
let cleanup: () => Promise<void>;
let source: string;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-per-device-'));
  source = path.join(root, 'src');
  await generateCapture(source, [{ kind: 'moving', seconds: 4 }]);
}, 120_000);
afterAll(async () => cleanup());

describe('per-device settings (vpt monitor, real binary)', () => {
  it('stall_after 2 s on one device, 30 s on the other: frames stop on both, only the first stalls within 5 s', async () => {
    const stream = path.join(root, 'stream');
    const state = path.join(root, 'state');
    const devices = ['capture1', 'capture2'];
    for (const d of devices) await mkdir(path.join(stream, d, 'captures'), { recursive: true });
    await mkdir(state, { recursive: true });
    const config = path.join(root, 'vpt.toml');
    await writeFile(config, '[devices.capture1]\nstall_after = "2s"\n\n[devices.capture2]\nstall_after = "30s"\n');
    const m = startMonitor(
      ['--stream-root', stream, '--state-dir', state, '--devices', devices.join(','), '--config', config, '--no-audio', '--listen', 'off'],
      {
        TMPDIR: root,
      },
    );
    try {
      await m.waitForStderr(/^monitoring /);
      await Promise.all(devices.map((d) => feedFrames(source, path.join(stream, d), { rate: 5, to: 5 })));
      const stoppedAt = Date.now();
      for (const d of devices) await m.waitForEvent((e) => e.event === 'frame' && e.device === d, `a frame of ${d}`);
      const stalled = await m.waitForEvent((e) => e.event === 'stall_started' && e.device === 'capture1', 'capture1 stalled', 20_000);
      expect(stalled.stall_after_ms).toBe(2_000);
      expect(Date.now() - stoppedAt).toBeLessThan(5_000 + 1_500); // + the child's stdout on a loaded machine
      // Long past capture1's 2 s and the 10 s default would have stalled it by now too; its 30 s has not.
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 12_000 - Date.now())));
      expect(m.events.filter((e) => e.event === 'stall_started' && e.device === 'capture2')).toEqual([]);
    } finally {
      m.child.kill('SIGTERM');
      await m.child;
    }
  }, 120_000);
});

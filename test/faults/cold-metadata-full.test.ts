import { execa } from 'execa';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFaultRigs } from './fault-rig.js';

/**
 * Issue 29 item 9, on the real binary in RAM mode: the cold metadata folder (chunk files) on a full
 * tmpfs, the hot one (frame JSON) fine. The "said once" state was shared by the two destinations, so
 * every hot success ended the cold episode and the next chunk write began a new one (29 warnings and
 * 28 recoveries in 30 s). One episode per destination: one line while full, one when space returns.
 */
const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];
const rigs = useFaultRigs('vpt-cold-full-', async () => {
  for (const dir of mounts.splice(0)) await execa('umount', [dir], { reject: false });
});

describe.skipIf(!isRoot)('vpt monitor, live: cold metadata full, hot fine', () => {
  it('one warning for the cold folder while full, one line when it recovers, the hot frame JSONs unaffected', async () => {
    const rig = await rigs.create({ hot: true });
    const cold = path.join(rig.deviceDir, 'metadata');
    await mkdir(cold, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'vpt-cold-full', cold]);
    mounts.push(cold);
    const filler = path.join(cold, 'filler.bin');
    await expect(writeFile(filler, Buffer.alloc(1024 * 1024))).rejects.toMatchObject({ code: 'ENOSPC' });
    await rig.start();
    // 8 s of capture at 5 fps: 8 chunk entries (one per second of video), 40 hot frame JSONs.
    await rig.expectAnalysed(await rig.writeGood(1, 40));
    // (--verbose adds a debug line per later failure: the journal at its default level has the warning alone)
    const lines = () => rig.monitor.stderr.filter((l) => (l.startsWith('warning:') && l.includes('cannot write')) || l.includes('succeed again'));
    expect(lines()).toEqual([
      expect.stringMatching(/^warning: \[capture1\] cannot write \S+\/metadata\/\d+\/chunk_10min_\d\.json: no space left on device \(ENOSPC\)/),
    ]);

    await rm(filler);
    await rig.expectAnalysed(await rig.writeGood(41, 10));
    expect(lines()).toEqual([lines()[0], expect.stringMatching(/^\[capture1\] metadata writes succeed again \(\d+ failed while ENOSPC\)$/)]);
    rig.expectAlive();
    rig.expectNoStackTrace();
    expect((await rig.stop()).exitCode).toBe(0);
  }, 120_000);
});

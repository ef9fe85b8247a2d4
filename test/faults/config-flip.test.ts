import { execa } from 'execa';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { useFaultRigs } from './fault-rig.js';

/**
 * Issue 29 item 6, on the real binary: SIGHUP every 20 ms while the config file is, in turn, a regular
 * file and a FIFO renamed over it. A stat then an open let the open find the FIFO and block thread-pool
 * threads for good (4 of them: nothing analysed, SIGTERM ignored). The config is checked and read on
 * one non-blocking descriptor: the monitor keeps analysing and stops on SIGTERM.
 */
const SIGHUP_MS = 20;
/** Enough for the old stat-then-open to lose the race more often than the thread pool has threads (about 1 in 50). */
const SIGHUPS = 400;
/** A new frame every this many SIGHUPs (25 in all). */
const FRAME_EVERY = 16;
const FLIPPER = `
const fs = require('node:fs');
const [config, fifo, regular] = process.argv.slice(1);
for (let i = 0; ; i++) {
  fs.linkSync(i % 2 === 0 ? fifo : regular, config + '.next');
  fs.renameSync(config + '.next', config);
}`;
/** Design: SIGTERM ends the monitor within 5 s; generous for a loaded CI machine. */
const STOP_MS = 10_000;

const rigs = useFaultRigs('vpt-flip-');

it('SIGHUP while the config flips between a regular file and a FIFO: analysing goes on, SIGTERM honoured', async () => {
  const rig = await rigs.create();
  const config = path.join(rig.root, 'vpt.toml');
  const regular = path.join(rig.root, 'side.toml');
  const fifo = path.join(rig.root, 'side.fifo');
  await writeFile(regular, '[monitor]\nclear_time = "2s"\n');
  await writeFile(config, '[monitor]\nclear_time = "2s"\n');
  await execa('mkfifo', [fifo]);
  const monitor = await rig.start(['--config', config]);

  // A child flips the config as fast as it can (link a side file under a temp name, rename it over
  // the config), so any stat and open of the monitor's may see different files; SIGHUP every 20 ms.
  const flipper = execa(process.execPath, ['-e', FLIPPER, config, fifo, regular], { reject: false });
  try {
    for (let i = 0; i < SIGHUPS; i++) {
      process.kill(monitor.pid, 'SIGHUP');
      await new Promise((r) => setTimeout(r, SIGHUP_MS));
      if (i % FRAME_EVERY === 0) await rig.writeGood(i / FRAME_EVERY, 1);
    }
  } finally {
    flipper.kill('SIGTERM');
    await flipper;
  }
  const written = SIGHUPS / FRAME_EVERY;
  for (let s = 0; s < written; s++) await rig.waitForFrame(s);
  // After the flipping, a good file is reloaded on the next SIGHUP, and frames still go through.
  // (renamed over it: the config may be the FIFO now, which a write would open and wait on)
  await writeFile(`${config}.good`, '[monitor]\nclear_time = "3s"\n');
  await rename(`${config}.good`, config);
  const answered = monitor.stderr.length;
  process.kill(monitor.pid, 'SIGHUP');
  const deadline = Date.now() + 30_000;
  while (!monitor.stderr.slice(answered).some((l) => /SIGHUP: reloaded /.test(l))) {
    if (Date.now() > deadline) throw new Error(`no answer to the last SIGHUP; stderr:\n${monitor.stderr.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await rig.writeGood(written, 3);
  for (let s = written; s < written + 3; s++) await rig.waitForFrame(s);
  expect(monitor.stderr.some((l) => /SIGHUP: .*not a regular file \(a FIFO\); the old settings stay$/.test(l))).toBe(true);
  rig.expectAlive();
  rig.expectNoStackTrace();
  const stopped = await rig.stop();
  expect(stopped.exitCode).toBe(0);
  expect(stopped.ms).toBeLessThan(STOP_MS);
}, 120_000);

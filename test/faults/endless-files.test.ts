import { execa } from 'execa';
import { lstat, mkdir, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chunkFilePath, chunkLocation, MAX_CHUNK_BYTES } from '../../src/core/pipeline/chunk-writer.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, VPT_BIN } from '../helpers/run-vpt.js';
import { watchRss } from '../helpers/rss-watch.js';
import { FaultRig, makeGoodFrames, stem, T0, type GoodFrames } from './fault-rig.js';

/**
 * Issue 29 item 2, on the real binary: a frame's JSON or a chunk file that never ends (/dev/zero behind
 * a symlink), that blocks (a FIFO), or that is merely huge (300 MB, sparse). Each is refused on its
 * descriptor (non-blocking open, fstat, regular files only, a bound): replaced or set aside with a
 * warning, the frames go on, resident memory stays far below what reading them took (3.98 GB, 1.38
 * GB, 1.89 GB), and SIGINT/SIGTERM end the process as usual.
 */
const MB = 1024 * 1024;
/** A monitor or a replay of a few frames stays well under this; reading /dev/zero passed it in under a second. */
const RSS_BOUND = 300 * MB;
/** The watchdog's line: far above the bound, far below what would hurt the machine. */
const KILL_ABOVE = 1200 * MB;
/** Design: SIGTERM/SIGINT end the monitor within 5 s; generous for a loaded CI machine. */
const STOP_MS = 10_000;
const HUGE_CHUNK_BYTES = 300 * MB;

type Hostile = 'dev-zero' | 'fifo' | 'huge';

async function plant(file: string, kind: Hostile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (kind === 'dev-zero') await symlink('/dev/zero', file);
  else if (kind === 'fifo') await execa('mkfifo', [file]);
  else {
    await writeFile(file, '');
    await truncate(file, HUGE_CHUNK_BYTES);
  }
}

let good: GoodFrames;
let cleanupGood: () => Promise<void>;
beforeAll(async () => {
  const dir = await makeTempDir('vpt-endless-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);
afterAll(async () => cleanupGood?.());

describe('vpt monitor --replay: frame JSON and chunk files that never end', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  const device = () => path.join(root.dir, 'capture1');
  const jsonPath = (seq: number) => path.join(device(), 'metadata', `${stem(seq)}.json`);
  const chunkPath = () => chunkFilePath(path.join(device(), 'metadata'), chunkLocation(T0));
  beforeAll(async () => {
    root = await makeTempDir('vpt-endless-replay-');
  });
  afterAll(() => root.cleanup());
  afterEach(async () => execa('rm', ['-rf', device()]));

  it.each([['dev-zero'], ['fifo']] as const)(
    'frame JSON and chunk as %s: replaced and set aside, memory bounded, SIGINT honoured',
    async (kind) => {
      await generateCapture(device(), [{ kind: 'moving', seconds: 2 }], { firstMtimeMs: T0 });
      await plant(jsonPath(2), kind);
      await plant(chunkPath(), kind);
      const child = execa(VPT_BIN, ['monitor', '--replay', '--no-audio', '--stream-root', root.dir], {
        reject: false,
        env: { NO_COLOR: '1' },
        stdin: 'ignore',
      });
      const rss = watchRss(child.pid!, KILL_ABOVE);
      // SIGINT once frame 2's JSON has been rewritten (or the replay ended): it must end the run at once.
      const deadline = Date.now() + 60_000;
      while (child.exitCode === null && Date.now() < deadline && !(await lstat(jsonPath(2))).isFile()) await new Promise((r) => setTimeout(r, 50));
      const signalled = Date.now();
      child.kill('SIGINT');
      const result = await child;
      const stopMs = Date.now() - signalled;
      const peak = rss.peakBytes();
      rss.stop();
      expect(rss.killed(), `peak ${peak} bytes`).toBe(false);
      expect(peak).toBeLessThan(RSS_BOUND);
      expect(stopMs).toBeLessThan(STOP_MS);
      expect(result.stderr).not.toMatch(/^\s+at \S/m);
      expect((await lstat(jsonPath(2))).isFile()).toBe(true);
    },
    120_000,
  );

  it.each([['dev-zero'], ['fifo'], ['huge']] as const)(
    'a chunk file that is %s: set aside with one warning, the replay ends normally',
    async (kind) => {
      await generateCapture(device(), [{ kind: 'moving', seconds: 2 }], { firstMtimeMs: T0 });
      await plant(chunkPath(), kind);
      const child = execa(VPT_BIN, ['monitor', '--replay', '--no-audio', '--stream-root', root.dir], {
        reject: false,
        env: { NO_COLOR: '1' },
        stdin: 'ignore',
        timeout: 60_000,
      });
      const rss = watchRss(child.pid!, KILL_ABOVE);
      const result = await child;
      const peak = rss.peakBytes();
      rss.stop();
      expect(rss.killed(), `peak ${peak} bytes`).toBe(false);
      expect(peak).toBeLessThan(RSS_BOUND);
      expect(result.exitCode, result.stderr).toBe(0);
      const reason = {
        'dev-zero': 'not a regular file \\(a character device\\)',
        fifo: 'not a regular file \\(a FIFO\\)',
        huge: `${HUGE_CHUNK_BYTES} bytes, more than ${MAX_CHUNK_BYTES}`,
      }[kind];
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`corrupt chunk file \\S+chunk_10min_\\d\\.json \\(${reason}\\) set aside as chunk_10min_\\d\\.json\\.corrupt-`)),
      ]);
      const chunk = JSON.parse(await readFile(chunkPath(), 'utf8')) as { frames: unknown[] };
      expect(chunk.frames).toHaveLength(2);
      expect((await readdir(path.dirname(chunkPath()))).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);
    },
    120_000,
  );
});

describe('vpt monitor (live): frame JSON and chunk files that never end', () => {
  const rigs: FaultRig[] = [];
  afterEach(async () => {
    for (const rig of rigs) await rig.kill();
    for (const rig of rigs.splice(0)) await rig.cleanup();
  });

  it.each([['dev-zero'], ['fifo'], ['huge']] as const)(
    'frame JSON and chunk as %s: the device goes on, memory bounded, SIGTERM honoured',
    async (kind) => {
      const rig = await FaultRig.create('vpt-endless-live-', good);
      rigs.push(rig);
      if (kind !== 'huge') await plant(rig.jsonPath(2), kind);
      await plant(chunkFilePath(rig.metadata, chunkLocation(T0)), kind);
      const monitor = await rig.start();
      const rss = watchRss(monitor.pid, KILL_ABOVE);
      await rig.writeGood(0, 10);
      for (let s = 0; s < 10; s++) await rig.waitForFrame(s);
      expect((await lstat(rig.jsonPath(2))).isFile()).toBe(true);
      rig.expectAlive();
      rig.expectNoStackTrace();
      const stopped = await rig.stop();
      const peak = rss.peakBytes();
      rss.stop();
      expect(rss.killed(), `peak ${peak} bytes`).toBe(false);
      expect(peak).toBeLessThan(RSS_BOUND);
      expect(stopped.ms).toBeLessThan(STOP_MS);
      expect(stopped.exitCode).toBe(0);
      expect(rig.linesNaming('chunk_10min_').filter((l) => l.includes('set aside'))).toHaveLength(1);
    },
    120_000,
  );
});

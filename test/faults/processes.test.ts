import { execa, type ResultPromise } from 'execa';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { REPLAY_AUDIO_WAIT_MS } from '../../src/core/audio/audio-timeline.js';
import { STREAM_HUNG_MS } from '../../src/core/audio/segment-feeder.js';
import { ZAP_AUDIO_WAIT_MS } from '../../src/core/audio/zap-listen.js';
import { MAX_HELD_INCIDENTS, STORE_RETRY_MS } from '../../src/core/incidents/incident-tracker.js';
import { DEFAULT_QUEUE_LIMIT } from '../../src/core/live/frame-queue.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';
import { expectNoPartialFiles, FaultRig, makeGoodFrames, type GoodFrames } from './fault-rig.js';

/**
 * Issue 7, faults of the processes around the monitor, on the real
 * `vpt monitor` binary: a hanging ffmpeg, the incident database locked by
 * another process, a burst of 2,000 frames, and SIGTERM in the middle of it.
 */
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
const rigs: FaultRig[] = [];
const children: ResultPromise[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('vpt-faults-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);
afterAll(async () => cleanupGood?.());
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await child;
  }
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

/**
 * A stand-in ffmpeg in `<dir>/bin`, to put first on the monitor's PATH: answers the start-up probe,
 * and otherwise logs "<pid> <args>" to `runs`, ignores SIGTERM and reads nothing.
 */
async function hangingFfmpeg(dir: string): Promise<{ bin: string; runs: string }> {
  const bin = path.join(dir, 'bin');
  const runs = path.join(dir, 'ffmpeg.runs');
  await mkdir(bin);
  await writeFile(
    path.join(bin, 'ffmpeg'),
    `#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version stand-in"; exit 0;; esac\necho "$$ $*" >> '${runs}'\ntrap '' TERM\nexec sleep 600\n`,
  );
  await chmod(path.join(bin, 'ffmpeg'), 0o755);
  return { bin, runs };
}

async function newRig(): Promise<FaultRig> {
  const rig = await FaultRig.create('vpt-faults-proc-', good);
  rigs.push(rig);
  return rig;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function expectCleanStop(rig: FaultRig): Promise<void> {
  const { exitCode, ms } = await rig.stop();
  expect(exitCode).toBe(0);
  expect(ms).toBeLessThan(5_000);
  expect(await readdir(rig.tmpDir)).toEqual([]);
  expect(await readdir(rig.stateDir)).not.toContain('monitor.lock');
}

/** `count` frames written as fast as the disk takes them (thumbnail-sized captures: the content is not the point). */
async function burst(rig: FaultRig, from: number, count: number): Promise<void> {
  for (let s = from; s < from + count; s += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, from + count - s) }, (_, i) => {
        const thumb = good.thumbnails[(s + i) % good.thumbnails.length]!;
        return rig.write(s + i, thumb, thumb);
      }),
    );
  }
}

describe('vpt monitor, live: processes around it', () => {
  it('--replay with a hanging ffmpeg: the first frame that waits its whole REPLAY_AUDIO_WAIT_MS gives the audio up, once, and the replay finishes', async () => {
    const root = await makeTempDir('vpt-faults-replay-hang-');
    try {
      const { bin, runs } = await hangingFfmpeg(root.dir);
      const device = path.join(root.dir, 'stream', 'capture1');
      await generateCapture(device, [{ kind: 'moving', seconds: 4 }]);
      await mkdir(path.join(device, 'segments'));
      for (let i = 0; i < 4; i++) await writeFile(path.join(device, 'segments', `segment_${String(i).padStart(9, '0')}.ts`), Buffer.alloc(200_000));
      const started = Date.now();
      const run = await runVpt(['monitor', '--replay', '--stream-root', path.join(root.dir, 'stream'), '--json'], {
        env: { PATH: `${bin}:${process.env.PATH}` },
        timeoutMs: REPLAY_AUDIO_WAIT_MS * 3,
      });
      const tookMs = Date.now() - started;
      expect(run.exitCode, run.stderr).toBe(0);
      // One wait of the bound, not one per frame (20 frames) or per zap check.
      expect(tookMs).toBeGreaterThanOrEqual(REPLAY_AUDIO_WAIT_MS);
      expect(tookMs).toBeLessThan(REPLAY_AUDIO_WAIT_MS * 2);
      expect(run.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
        `warning: [capture1] audio level stream answered nothing for ${REPLAY_AUDIO_WAIT_MS / 1000}s: stopped; the rest of this replay has no audio`,
      ]);
      expect((JSON.parse(run.stdout) as { frames: number }).frames).toBe(20);
      // The stand-in ignored SIGTERM: it was killed, not left behind.
      const pids = (await readFile(runs, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[0]));
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) expect(() => process.kill(pid, 0), `stand-in ffmpeg ${pid} left running`).toThrow();
    } finally {
      await root.cleanup();
    }
  }, 120_000);

  it('a hanging ffmpeg (ignoring SIGTERM, reading nothing): frames go on, the zap is judged with audio unknown, the hung stream is replaced, and the monitor stops cleanly', async () => {
    const rig = await newRig();
    const { bin, runs } = await hangingFfmpeg(rig.root);
    await mkdir(path.join(rig.live, 'segments'));
    for (let i = 0; i < 60; i++) await writeFile(path.join(rig.live, 'segments', `segment_${String(i).padStart(9, '0')}.ts`), 'not read by the stand-in');
    await rig.start([], { audio: true, env: { PATH: `${bin}:${process.env.PATH}` } });
    const pids = async (): Promise<number[]> =>
      (await readFile(runs, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => /pipe:0/.test(l))
        .map((l) => Number(l.split(' ')[0]));
    // Frames 1..9: frame 5 starts second 1, so segment 0 is fed to the (hanging) level stream.
    await rig.expectAnalysed(await rig.writeGood(1, 9));
    await vi.waitFor(async () => expect(await pids()).toHaveLength(1), { timeout: 10_000, interval: 50 });
    const [first] = await pids();
    // Frames 10..14 black (a 1 s blackscreen: a zap candidate), then the picture again.
    const black = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const blackCapture = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    for (let s = 10; s <= 14; s++) await rig.write(s, blackCapture, black);
    for (let s = 10; s <= 14; s++) await rig.waitForFrame(s);
    await rig.expectAnalysed(await rig.writeGood(15, 6));
    // No audio comes: the zap is judged after ZAP_AUDIO_WAIT_MS with audio unknown (the banner decides), never waiting for ever.
    const zap = await rig.monitor.waitForEvent((e) => e.event === 'zap', 'the zap result', ZAP_AUDIO_WAIT_MS + 10_000);
    expect(zap).toMatchObject({ device: 'capture1', event_type: 'blackscreen', audio_check: 'no_segments', continuous_audio: null });
    // Frames go on while the stream hangs; after STREAM_HUNG_MS it is stopped (SIGKILL after the ignored SIGTERM) and a new one started.
    let next = 21;
    const restarted = Date.now() + STREAM_HUNG_MS + 15_000;
    while ((await pids()).length < 2) {
      if (Date.now() > restarted) throw new Error('the hung level stream was not replaced');
      await rig.expectAnalysed(await rig.writeGood(next, 2));
      next += 2;
      await new Promise((r) => setTimeout(r, 500));
    }
    await vi.waitFor(() => expect(alive(first!)).toBe(false), { timeout: 5_000, interval: 50 });
    expect(rig.monitor.stderr.filter((l) => /audio level stream/.test(l))).toEqual([
      `warning: [capture1] audio level stream answered nothing for ${STREAM_HUNG_MS / 1000}s: stopped, to be started again`,
      'warning: [capture1] audio level stream stopped (exit code none); restarting in 1s',
    ]);
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(rig.metadata);
    const running = (await pids()).at(-1)!;
    await expectCleanStop(rig);
    // The second stand-in ignored SIGTERM too: the monitor's stop did not leave it behind.
    await vi.waitFor(() => expect(alive(running)).toBe(false), { timeout: 5_000, interval: 50 });
  }, 120_000);

  it('the incident database locked by another process (BEGIN EXCLUSIVE) when an incident should open: one line, frames go on, the incident opens once the lock is gone', async () => {
    const rig = await newRig();
    await rig.start(['--min-event', '1s', '--incident-delay', '2s']);
    await rig.expectAnalysed(await rig.writeGood(1, 5));
    const db = path.join(rig.stateDir, 'incidents.db');
    const holder = execa(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(db)}); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { cwd: REPO_ROOT, reject: false, stdin: 'ignore' },
    );
    children.push(holder);
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      void holder.then((r) => reject(new Error(`lock holder exited: ${String(r.stderr)}`)));
    });
    // A held picture: frames 6..30 are one frame repeated (a freeze of ~5 s on the frame clock, over the 2 s delay).
    const held = good.captures[6]!;
    const heldThumb = good.thumbnails[6]!;
    const started = Date.now();
    for (let s = 6; s <= 30; s++) await rig.write(s, held, heldThumb);
    for (let s = 6; s <= 30; s++) await rig.waitForFrame(s);
    const elapsed = Date.now() - started;
    await rig.monitor.waitForEvent((e) => e.event === 'event_started' && e.type === 'freeze', 'the freeze event');
    const lockedLines = rig.monitor.stderr.filter((l) => l.includes('incident database'));
    expect(lockedLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: incident database locked: ${db} is locked by another process.*; incident changes are held \\(up to ${MAX_HELD_INCIDENTS} ended incidents\\) and retried every ${STORE_RETRY_MS / 1000} s$`,
        ),
      ),
    ]);
    expect(rig.monitor.events.filter((e) => e.event === 'incident_opened')).toEqual([]);
    // No stall: 25 frames went through in far less than one 5 s busy wait per frame.
    expect(elapsed).toBeLessThan(10_000);
    rig.expectAlive();

    holder.kill('SIGKILL');
    await holder;
    // Still frozen: once the retry time has come, the next frame opens the incident.
    await new Promise((r) => setTimeout(r, STORE_RETRY_MS));
    for (let s = 31; s <= 35; s++) await rig.write(s, held, heldThumb);
    const opened = await rig.monitor.waitForEvent((e) => e.event === 'incident_opened', 'the incident after the lock');
    expect(opened).toMatchObject({ device: 'capture1', type: 'freeze' });
    expect(rig.monitor.stderr.filter((l) => l.includes('incident database'))).toEqual([
      lockedLines[0],
      'incident database writable again: 1 held incident changes written',
    ]);
    // The picture moves again, clear for --clear-time (1 s: six frames): the incident resolves.
    await rig.expectAnalysed(await rig.writeGood(36, 6));
    await rig.monitor.waitForEvent((e) => e.event === 'incident_resolved' && e.incident_id === opened.incident_id, 'the incident resolved');
    rig.expectNoStackTrace();
    await expectCleanStop(rig);
  }, 60_000);

  it('a burst of 2,000 frames at once: the queue stays bounded, drops are counted in the output, and it catches up', async () => {
    const rig = await newRig();
    await rig.start();
    await rig.expectAnalysed(await rig.writeGood(1, 3));
    const first = 10;
    const count = 2_000;
    await burst(rig, first, count);
    const inBurst = (s: unknown) => typeof s === 'number' && s >= first && s < first + count;
    const analysed = () => new Set(rig.monitor.events.filter((e) => e.event === 'frame' && inBurst(e.sequence)).map((e) => e.sequence)).size;
    const dropped = () => rig.monitor.events.filter((e) => e.event === 'dropped').reduce((n, e) => n + (e.count as number), 0);
    // Every frame of the burst is accounted for: analysed once, or counted as dropped.
    await rig.monitor.waitForEvent(() => analysed() + dropped() >= count, 'every burst frame analysed or dropped', 60_000);
    expect(analysed() + dropped()).toBe(count);
    expect(dropped()).toBeGreaterThan(0);
    const drops = rig.monitor.events.filter((e) => e.event === 'dropped');
    expect(drops.at(-1)!.total).toBe(dropped());
    for (const d of drops) expect(inBurst(d.first_sequence) && inBurst(d.last_sequence)).toBe(true);
    // One warning per drop burst, not one per frame.
    const warnings = rig.monitor.stderr.filter((l) => l.includes('analysis cannot keep up'));
    expect(warnings).toHaveLength(drops.length);
    expect(warnings[0]).toBe(`warning: [capture1] analysis cannot keep up: more than ${DEFAULT_QUEUE_LIMIT} frames waiting, dropping the oldest`);
    // The newest frame of the burst is never the one dropped (LIFO under backlog).
    expect(rig.frameEvent(first + count - 1)).toBeDefined();
    await rig.monitor.waitForEvent((e) => e.event === 'queue_backlog' && e.active === false, 'caught up');
    await rig.expectAnalysed(await rig.writeGood(first + count + 10, 3));
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(rig.metadata);
    await expectCleanStop(rig);
  }, 120_000);

  it('SIGTERM during a burst: exits 0 promptly, no temp or partial files, lock and temp folder released', async () => {
    const rig = await newRig();
    await rig.start();
    const writing = burst(rig, 10, 2_000);
    await rig.monitor.waitForEvent((e) => e.event === 'queue_backlog' && e.active === true, 'the backlog', 60_000);
    await rig.monitor.waitForEvent((e) => e.event === 'frame' && (e.sequence as number) >= 10, 'burst frames being analysed');
    const { exitCode, ms } = await rig.stop();
    await writing;
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(rig.monitor.stderr.at(-1)).toMatch(/^stopped in .*waiting frames not analysed$/);
    expect(await readdir(rig.tmpDir)).toEqual([]);
    expect(await readdir(rig.stateDir)).not.toContain('monitor.lock');
    await expectNoPartialFiles(rig.metadata);
    await expectNoPartialFiles(rig.stateDir);
    rig.expectNoStackTrace();
    // Nothing half-written for the next run: a new monitor starts on the same state dir at once.
    await rig.start();
    await rig.expectAnalysed(await rig.writeGood(3_000, 3));
    await expectCleanStop(rig);
  }, 120_000);
});

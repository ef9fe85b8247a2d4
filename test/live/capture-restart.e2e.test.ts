import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFfmpegCapture } from '../helpers/ffmpeg-capture.js';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 21 item 2 on the real binary and real ffmpeg (in-place writer): a
 * frozen picture captured, ffmpeg stopped (the capture stalls), started
 * again with its counter rewound to 0 (ffmpeg's restart; the old names are
 * rewritten in place), and once more with the counter continued
 * (-start_number). Stall after 3 s, events after 2 s, incidents after 2 s.
 */
const FROZEN = 'color=c=0x4060a0:size=1280x720:rate=5';
const RUN_SECONDS = 8;
const TIMING = ['--stall-after', '3s', '--min-event', '2s', '--incident-delay', '2s', '--no-audio'];

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-restart-e2e-')));
afterAll(async () => cleanup());

type Event = Record<string, unknown>;
const is = (event: string, type?: string) => (e: Event) => e.event === event && (type === undefined || e.type === type);

describe('capture restarts (vpt monitor, real binary, real ffmpeg)', () => {
  it('a freeze in progress ends at the stall; a rewound counter is a new run analysed in order; a continued counter just goes on', async () => {
    const stream = path.join(root, 'stream');
    const state = path.join(root, 'state');
    const deviceDir = path.join(stream, 'capture1');
    await mkdir(path.join(deviceDir, 'captures'), { recursive: true });
    await mkdir(state, { recursive: true });
    let m: MonitorProcess | undefined;
    try {
      m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', ...TIMING], { TMPDIR: root });
      const monitor = m;
      await m.waitForStderr(/^monitoring /);
      const after = (index: number) => monitor.events.slice(index);

      // Run 1: frozen, then ffmpeg stops.
      const run1 = await startFfmpegCapture({ deviceDir, atomic: false, seconds: RUN_SECONDS, source: FROZEN });
      expect(run1.exitCode).toBe(0);
      const opened1 = await m.waitForEvent(is('incident_opened', 'freeze'), 'a freeze incident in run 1');
      const stall1 = await m.waitForEvent(is('stall_started', 'capture_stalled'), 'the stall after run 1', 20_000);
      const ended1 = await m.waitForEvent(is('event_ended', 'freeze'), 'the freeze ended at the stall', 10_000);
      // Ended on the last frame before the stall: no longer than the run itself, long before anything restarts.
      expect(ended1.duration_ms as number).toBeLessThanOrEqual(RUN_SECONDS * 1000);
      expect(Date.parse(ended1.ts as string)).toBeLessThanOrEqual(Date.parse(stall1.start as string));
      await m.waitForEvent((e) => is('incident_resolved', 'freeze')(e) && e.incident_id === opened1.incident_id, 'its incident resolved', 10_000);
      const run1Frames = (await readdir(path.join(deviceDir, 'captures'))).filter((n) => n.endsWith('.jpg')).length;

      // Run 2: ffmpeg restarted, counter rewound to 0: the old names are written again, in place.
      const mark2 = m.events.length;
      const restartedAt = Date.now();
      const run2 = await startFfmpegCapture({ deviceDir, atomic: false, seconds: RUN_SECONDS, source: FROZEN });
      expect(run2.exitCode).toBe(0);
      await m.waitForEvent((e) => e.event === 'stall_started' && m!.events.indexOf(e) >= mark2, 'the stall after run 2', 20_000);
      await m.waitForEvent((e) => is('event_ended', 'freeze')(e) && m!.events.indexOf(e) >= mark2, 'run 2 freeze ended', 10_000);
      const events2 = after(mark2);
      const restart = events2.find(is('capture_restarted'))!;
      expect(restart).toMatchObject({ device: 'capture1', sequence: 0, run: 1 });
      // Every frame of run 2 analysed, in order, none taken for a late frame of run 1.
      const frames2 = events2.filter(is('frame'));
      expect(frames2.every((f) => f.late === false)).toBe(true);
      const sequences2 = frames2.map((f) => f.sequence as number);
      expect(sequences2).toEqual([...sequences2].sort((a, b) => a - b));
      expect(sequences2[0]).toBe(0);
      expect(sequences2.length).toBeGreaterThanOrEqual(RUN_SECONDS * 5 * 0.8);
      // The frozen picture of run 2 is a freeze of its own, from run 2's frames: never one spanning run 1, the stall and run 2.
      const started2 = events2.find(is('event_started', 'freeze'))!;
      expect(Date.parse(started2.ts as string)).toBeGreaterThanOrEqual(restartedAt - 1_000);
      const ended2 = events2.find(is('event_ended', 'freeze'))!;
      expect(ended2.duration_ms as number).toBeLessThanOrEqual(RUN_SECONDS * 1000);
      expect(events2.filter(is('event_ended', 'freeze'))).toHaveLength(1);

      // Run 3: restarted with the counter continued past run 1's files: no rewind, frames just go on.
      const mark3 = m.events.length;
      const next = Math.max(run1Frames, ...sequences2) + 1;
      const run3 = await startFfmpegCapture({ deviceDir, atomic: true, seconds: 4, startNumber: next });
      expect(run3.exitCode).toBe(0);
      await m.waitForEvent((e) => is('stall_ended')(e) && m!.events.indexOf(e) >= mark3, 'frames again in run 3', 20_000);
      await m.waitForEvent((e) => is('frame')(e) && (e.sequence as number) >= next + 15 && m!.events.indexOf(e) >= mark3, 'run 3 frames', 20_000);
      const events3 = after(mark3);
      expect(events3.filter(is('capture_restarted'))).toEqual([]);
      const frames3 = events3.filter(is('frame'));
      expect(frames3[0]!.sequence).toBe(next);
      expect(frames3.every((f) => f.late === false)).toBe(true);

      m.child.kill('SIGTERM');
      expect((await m.child).exitCode).toBe(0);
      // No freeze ever lasted longer than one run.
      for (const e of m.events.filter(is('event_ended', 'freeze'))) expect(e.duration_ms as number).toBeLessThanOrEqual(RUN_SECONDS * 1000);
    } finally {
      if (m && m.child.exitCode === null) m.child.kill('SIGKILL');
      await m?.child;
    }
  }, 180_000);
});

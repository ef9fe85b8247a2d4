import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFfmpegCapture } from '../helpers/ffmpeg-capture.js';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 21 item 1 on the real binary and real ffmpeg: two devices captured
 * at once for CAPTURE_SECONDS, the farm's filter graph (split=3: 1280x720
 * capture, 320x180 nearest-neighbour thumbnail, 1 s HLS segments with sound),
 * capture1 with `-atomic_writing 1`, capture2 with ffmpeg's default in-place
 * writer; the monitor is told nothing about either. Every frame must be
 * analysed from its thumbnail, none bad. The one long test of the suite:
 * about 2 min 20 s (both writers share the capture time).
 */
const CAPTURE_SECONDS = 125;

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-writers-e2e-')));
afterAll(async () => cleanup());

const frameNames = async (dir: string) => (await readdir(dir)).filter((n) => /^capture_\d{9}\.jpg$/.test(n)).sort();

describe('frames from the real ffmpeg, both writers (vpt monitor, real binary)', () => {
  it(`${CAPTURE_SECONDS} s of two devices: every frame analysed, 0 bad, none from a half-written file`, async () => {
    const stream = path.join(root, 'stream');
    const state = path.join(root, 'state');
    await mkdir(state, { recursive: true });
    const devices = { capture1: true, capture2: false } as const;
    for (const d of Object.keys(devices)) await mkdir(path.join(stream, d, 'captures'), { recursive: true });
    let m: MonitorProcess | undefined;
    try {
      m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', 'capture1,capture2'], { TMPDIR: root });
      await m.waitForStderr(/^monitoring /);
      const captures = await Promise.all(
        Object.entries(devices).map(([d, atomic]) => startFfmpegCapture({ deviceDir: path.join(stream, d), atomic, seconds: CAPTURE_SECONDS })),
      );
      for (const c of await Promise.all(captures)) expect(c.exitCode, String(c.stderr)).toBe(0);
      const monitorProcess = m;
      const written: Record<string, string[]> = {};
      for (const d of Object.keys(devices)) {
        written[d] = await frameNames(path.join(stream, d, 'captures'));
        // 5 fps in real time; a loaded machine may lose a few to -re's pacing, never most.
        expect(written[d]!.length).toBeGreaterThan(CAPTURE_SECONDS * 5 * 0.9);
        const count = written[d]!.length;
        await monitorProcess.waitForEvent(
          () => monitorProcess.events.filter((e) => e.event === 'frame' && e.device === d).length >= count,
          `${count} frames of ${d} analysed`,
          120_000,
        );
      }
      m.child.kill('SIGTERM');
      const result = await m.child;
      expect(result.exitCode).toBe(0);
      for (const d of Object.keys(devices)) {
        const analysed = m.events.filter((e) => e.event === 'frame' && e.device === d).map((e) => e.sequence as number);
        expect(new Set(analysed).size, `${d}: each frame once`).toBe(analysed.length);
        expect(analysed.sort((a, b) => a - b)).toEqual(written[d]!.map((n) => Number(n.slice(8, 17))));
        // The per-frame JSON says each frame was read whole, from its thumbnail.
        for (const name of written[d]!) {
          const record = JSON.parse(await readFile(path.join(stream, d, 'metadata', name.replace('.jpg', '.json')), 'utf8')) as Record<string, unknown>;
          expect(record.error, `${d} ${name}`).toBeUndefined();
          expect(record.source, `${d} ${name}`).toBe('thumbnail');
        }
      }
      const summary = m.stderr.find((l) => l.includes('summary:'))!;
      expect(summary).toMatch(/capture1 \d+ frames analysed, 0 dropped, 0 bad; capture2 \d+ frames analysed, 0 dropped, 0 bad/);
      expect(m.stderr.filter((l) => /incomplete|empty file|truncated|no thumbnail/.test(l))).toEqual([]);
    } finally {
      if (m && m.child.exitCode === null) m.child.kill('SIGKILL');
      await m?.child;
    }
  }, 400_000);
});

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceCounters } from '../../src/core/status/device-counters.js';
import { FPS_WINDOW_SECONDS, FpsWindow } from '../../src/core/status/fps-window.js';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { StatusSnapshotError, parseStatusSnapshot, readStatusSnapshot, statusFilePath } from '../../src/core/status/status-snapshot.js';
import { StatusWriter } from '../../src/core/status/status-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** A monitor whose watcher saw no frame (the frame account's watcher half). */
const NO_FRAMES = { seen: 0, superseded: 0 };

const T0 = Date.parse('2026-11-30T10:00:00.000Z');

describe('FpsWindow', () => {
  it('measures the rate over the last minute, and only since start while younger', () => {
    const w = new FpsWindow(T0);
    for (let i = 0; i < 50; i++) w.add(T0 + i * 200); // 5 fps for 10 s
    expect(w.rate(T0 + 10_000)).toBeCloseTo(5, 0);
    // 50 more seconds of nothing: the window (T0 + 1 s .. T0 + 60 s] holds 45 of the 50 frames.
    expect(w.rate(T0 + 60_000)).toBe(0.75);
    // A minute later the old frames have left the window.
    expect(w.rate(T0 + 130_000)).toBe(0);
  });

  it('stays FPS_WINDOW_SECONDS buckets whatever it is fed (a day at 240 fps)', () => {
    const w = new FpsWindow(T0);
    const day = 24 * 3600;
    for (let s = 0; s < day; s += 7) for (let f = 0; f < 240; f++) w.add(T0 + s * 1000 + f * 4);
    const buckets = (w as unknown as { counts: Uint32Array }).counts;
    expect(buckets.length).toBe(FPS_WINDOW_SECONDS);
    // 240 frames every 7 s: about 34 fps over the last minute.
    expect(w.rate(T0 + (day - 7) * 1000 + 999)).toBeGreaterThan(25);
  });
});

describe('DeviceCounters', () => {
  it('takes black and frozen from the newest analysed frame, and says which frame that is', () => {
    const c = new DeviceCounters('capture1', T0);
    const extras = { dropped: 0, watcher: NO_FRAMES, queued: 0, behind: false, audioChecked: false, openEvents: [] };
    expect(c.toStatus(T0, extras)).toMatchObject({ analysed_sequence: null, states: { black: false, frozen: false } });
    c.frameReceived(9, T0 + 100);
    c.frameAnalysed(false, { sequence: 8, black: false, frozen: true });
    // A freeze event still open (its clear time not run out) does not make the picture of frame 9 frozen.
    c.frameAnalysed(false, { sequence: 9, black: false, frozen: false });
    const open = [{ type: 'freeze', started_at: new Date(T0).toISOString(), incident_id: 3 }];
    expect(c.toStatus(T0 + 200, { ...extras, openEvents: open })).toMatchObject({ last_sequence: 9, analysed_sequence: 9, states: { frozen: false } });
    // A frame that reused an earlier analysis (late) brings no verdict of its own.
    c.frameAnalysed(false);
    expect(c.toStatus(T0 + 300, extras)).toMatchObject({ analysed_sequence: 9 });
  });

  it("reports last frame, age, counters, the analysed frame's states and audio from the open events", () => {
    const c = new DeviceCounters('capture1', T0);
    expect(c.toStatus(T0 + 1000, { dropped: 0, watcher: NO_FRAMES, queued: 0, behind: false, audioChecked: false, openEvents: [] })).toMatchObject({
      last_sequence: null,
      last_frame_at: null,
      last_frame_age_ms: null,
      states: { black: false, frozen: false, audio: 'unknown', stalled: false },
    });
    c.frameReceived(7, T0 + 2000);
    c.frameReceived(5, T0 + 2100); // late arrival never moves the sequence back
    c.frameAnalysed(false, { sequence: 7, black: true, frozen: false });
    c.frameAnalysed(true, undefined, true);
    c.frameFailed();
    const s = c.toStatus(T0 + 5000, {
      dropped: 3,
      watcher: { seen: 12, superseded: 2 },
      queued: 1,
      behind: false,
      audioChecked: true,
      openEvents: [
        { type: 'blackscreen', started_at: new Date(T0).toISOString(), incident_id: 4 },
        { type: 'segments_stalled', started_at: new Date(T0).toISOString(), incident_id: null },
      ],
    });
    expect(s).toMatchObject({
      last_sequence: 7,
      last_frame_at: new Date(T0 + 2100).toISOString(),
      last_frame_age_ms: 2900,
      frames_analysed: 2,
      frames_bad: 2,
      frames_dropped: 3,
      // 12 seen = 2 analysed (1 of them sampled) + 1 failed + 3 dropped + 2 superseded + 4 not handled yet.
      frames_seen: 12,
      frames_sampled: 1,
      frames_failed: 1,
      frames_superseded: 2,
      frames_pending: 4,
      states: { black: true, frozen: false, audio: 'stalled', stalled: false },
    });
  });
});

describe('status.json', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-status-')));
  afterEach(async () => cleanup());

  it('is written atomically every interval and read back; a reader polling meanwhile never sees a partial file', async () => {
    const status = new MonitorStatus({ devices: ['capture1', 'capture2'], startedMs: Date.now(), stallAfterMs: 10_000, host: 'pi-7' });
    status.device('capture1').frameReceived(42, Date.now());
    let writes = 0;
    const writer = new StatusWriter({
      stateDir: dir,
      intervalMs: 20,
      snapshot: () => {
        writes++;
        return status.snapshot(Date.now(), () => ({ dropped: 0, watcher: NO_FRAMES, queued: 0, behind: false, audioChecked: true, openEvents: [] }));
      },
    });
    await writer.start();
    const deadline = Date.now() + 400;
    let reads = 0;
    while (Date.now() < deadline) {
      parseStatusSnapshot(await readFile(statusFilePath(dir), 'utf8'));
      reads++;
    }
    await writer.stop();
    expect(writes).toBeGreaterThan(5);
    expect(reads).toBeGreaterThan(5);
    const snap = await readStatusSnapshot(dir);
    expect(snap).toMatchObject({ schema_version: 2, pid: process.pid, host: 'pi-7', stall_after_ms: 10_000 });
    expect(snap!.devices.map((d) => [d.device, d.last_sequence])).toEqual([
      ['capture1', 42],
      ['capture2', null],
    ]);
    // No temp file left behind.
    expect(await readdir(dir)).toEqual(['status.json']);
  });

  it('a failing write is reported and the next one tries again', async () => {
    const gone = path.join(dir, 'missing');
    const errors: unknown[] = [];
    const status = new MonitorStatus({ devices: [], startedMs: Date.now(), stallAfterMs: 10_000 });
    const writer = new StatusWriter({
      stateDir: gone,
      snapshot: () =>
        status.snapshot(Date.now(), () => {
          throw new Error('no devices');
        }),
      onError: (e) => errors.push(e),
    });
    await writer.write();
    expect(errors).toHaveLength(1);
    await mkdir(gone);
    await writer.write();
    expect((await readStatusSnapshot(gone))?.devices).toEqual([]);
  });

  it('no file: undefined; a foreign file: one clear error', async () => {
    expect(await readStatusSnapshot(dir)).toBeUndefined();
    await writeFile(statusFilePath(dir), '{"hello": 1}');
    await expect(readStatusSnapshot(dir)).rejects.toThrow(StatusSnapshotError);
    await writeFile(statusFilePath(dir), 'not json');
    await expect(readStatusSnapshot(dir)).rejects.toThrow(/is not JSON/);
  });
});

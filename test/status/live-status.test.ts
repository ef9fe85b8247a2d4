import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { LiveMonitor } from '../../src/core/live/live-monitor.js';
import { createLogger } from '../../src/core/logger.js';
import { readStatusSnapshot } from '../../src/core/status/status-snapshot.js';
import { FRAME_INTERVAL_MS, waitFor, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { scriptedPipeline } from '../helpers/scripted-pipeline.js';

let root: string;
let cleanup: () => Promise<void>;
let store: IncidentStore;
let monitor: LiveMonitor | undefined;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-live-status-'));
  await mkdir(path.join(root, 'state'));
  store = IncidentStore.openInDir(path.join(root, 'state'));
});
afterEach(async () => {
  await monitor?.stop(5_000);
  store.close();
  await cleanup();
});

it('the live monitor keeps status.json current: frames, open events with their incident, and a last write at stop', async () => {
  const stateDir = path.join(root, 'state');
  const live = path.join(root, 'stream', 'capture1');
  await mkdir(path.join(live, 'captures'), { recursive: true });
  monitor = new LiveMonitor({
    streamRoot: path.join(root, 'stream'),
    devices: ['capture1', 'capture2'],
    store,
    createPipeline: () => scriptedPipeline(),
    onEvent: () => undefined,
    logger: createLogger({ level: 'error', write: () => undefined }),
    incidentDelayMs: 1_000,
    queueLimit: 150,
    sweepIntervalMs: 60_000,
    memoryLogIntervalMs: 60_000,
    memoryAlertBytes: 1024 ** 3,
    rescanIntervalMs: 200,
    statusDir: stateDir,
    statusIntervalMs: 100,
    audioChecked: false,
  });
  await monitor.start();
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20 * FRAME_INTERVAL_MS;
  for (let s = 1; s <= 5; s++) await writeFrameLikeFfmpeg(live, s, t0 + s * FRAME_INTERVAL_MS, 'ok', 'thumb');
  for (let s = 6; s <= 15; s++) await writeFrameLikeFfmpeg(live, s, t0 + s * FRAME_INTERVAL_MS, 'blackscreen', 'thumb');
  await waitFor(() => monitor!.statusSnapshot().devices[0]!.frames_analysed === 15, 'every frame analysed');
  await new Promise((r) => setTimeout(r, 250)); // two status intervals
  const snap = (await readStatusSnapshot(stateDir))!;
  const [c1, c2] = snap.devices;
  expect(c1).toMatchObject({
    device: 'capture1',
    last_sequence: 15,
    frames_bad: 0,
    frames_dropped: 0,
    states: { black: true, frozen: false, audio: 'unknown' },
  });
  expect(c1!.open_events).toEqual([{ type: 'blackscreen', started_at: new Date(t0 + 6 * FRAME_INTERVAL_MS).toISOString(), incident_id: expect.any(Number) }]);
  expect(c1!.fps).toBeGreaterThan(0);
  expect(c2).toMatchObject({ device: 'capture2', last_sequence: null, frames_analysed: 0 });
  expect(snap.pid).toBe(process.pid);
  expect(snap.rss_bytes).toBeGreaterThan(1024 * 1024);

  await monitor.stop(5_000);
  monitor = undefined;
  const last = (await readStatusSnapshot(stateDir))!;
  expect(Date.parse(last.written_at)).toBeGreaterThanOrEqual(Date.parse(snap.written_at));
});

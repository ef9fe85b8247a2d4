import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCIDENT_TYPES } from '../../src/core/events/types.js';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import type { CapturedFrame } from '../../src/core/live/capture-watcher.js';
import { RECENT_SEQUENCES_CAP } from '../../src/core/live/capture-watcher.js';
import { LiveMonitor } from '../../src/core/live/live-monitor.js';
import type { MonitorEvent } from '../../src/core/events/monitor-event.js';
import { createLogger } from '../../src/core/logger.js';
import { FRAME_INTERVAL_MS, waitFor, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { scriptedPipeline } from '../helpers/scripted-pipeline.js';

const T0 = Date.parse('2025-10-17T14:30:00.000Z');
const at = (sequence: number) => T0 + sequence * FRAME_INTERVAL_MS;

let root: string;
let cleanup: () => Promise<void>;
let store: IncidentStore;
let monitor: LiveMonitor | undefined;
let events: MonitorEvent[];
let logLines: string[];

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-live-'));
  await mkdir(path.join(root, 'state'));
  store = IncidentStore.openInDir(path.join(root, 'state'));
  events = [];
  logLines = [];
});
afterEach(async () => {
  await monitor?.stop(5_000);
  monitor = undefined;
  store.close();
  await cleanup();
});

function makeMonitor(devices: string[], extra: { delayMs?: number; queueLimit?: number; analysed?: CapturedFrame[] } = {}): LiveMonitor {
  monitor = new LiveMonitor({
    streamRoot: path.join(root, 'stream'),
    devices,
    store,
    createPipeline: () => scriptedPipeline({ delayMs: extra.delayMs, analysed: extra.analysed }),
    onEvent: (e) => events.push(e),
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line.trimEnd()) }),
    incidentDelayMs: 2_000,
    queueLimit: extra.queueLimit ?? 150,
    sweepIntervalMs: 300,
    memoryLogIntervalMs: 300,
    memoryAlertBytes: 1024 ** 3,
    rescanIntervalMs: 200,
  });
  return monitor;
}

/** Write a scripted episode list as frames, the ffmpeg way, on a 5 fps clock. */
async function writeEpisodes(liveDir: string, first: number, episodes: [string, number][]): Promise<number> {
  let sequence = first;
  for (const [shows, count] of episodes) {
    for (let i = 0; i < count; i++, sequence++) await writeFrameLikeFfmpeg(liveDir, sequence, at(sequence), shows, `thumb ${shows}`);
  }
  return sequence - first;
}

const of = <K extends MonitorEvent['event']>(kind: K) => events.filter((e): e is Extract<MonitorEvent, { event: K }> => e.event === kind);

describe('LiveMonitor (scripted analyzer standing in for the pipeline)', () => {
  it('hot device and a cold device created later: every frame once, incidents for long episodes only, evidence in cold storage', async () => {
    const hotLive = path.join(root, 'stream', 'capture1', 'hot');
    await mkdir(path.join(hotLive, 'captures'), { recursive: true });
    await makeMonitor(['capture1', 'capture2']).start();
    expect(logLines).toContain(`warning: [capture2] ${path.join(root, 'stream', 'capture2', 'captures')} does not exist yet; waiting for it`);

    // capture1: 4 s of black (>= the 2 s incident delay); capture2: 1 s of freeze (< delay).
    const n1 = await writeEpisodes(hotLive, 1, [
      ['ok', 10],
      ['blackscreen', 20],
      ['ok', 10],
    ]);
    const n2 = await writeEpisodes(path.join(root, 'stream', 'capture2'), 1, [
      ['ok', 10],
      ['freeze', 5],
      ['ok', 10],
    ]);
    await waitFor(() => of('frame').length >= n1 + n2, 'every frame analysed');
    await new Promise((r) => setTimeout(r, 700));

    for (const [device, n] of [
      ['capture1', n1],
      ['capture2', n2],
    ] as const) {
      const seqs = of('frame')
        .filter((e) => e.device === device)
        .map((e) => e.sequence)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect(of('event_started').map((e) => [e.device, e.type, e.sequence])).toEqual(
      expect.arrayContaining([
        ['capture1', 'blackscreen', 11],
        ['capture2', 'freeze', 11],
      ]),
    );
    const opened = of('incident_opened');
    const resolved = of('incident_resolved');
    expect(opened.map((e) => [e.device, e.type])).toEqual([['capture1', 'blackscreen']]);
    expect(resolved.map((e) => [e.device, e.type, e.resolve_reason, e.duration_ms])).toEqual([['capture1', 'blackscreen', 'cleared', 4_000]]); // the blackscreen's 4 s, not the 2 s since the incident opened
    // Evidence: frame before (10), first (11), last (30): capture + thumbnail each, copied out of hot/.
    const cold = path.join(root, 'stream', 'capture1');
    expect(resolved[0]!.evidence).toEqual(
      [10, 11, 30].flatMap((n) => {
        const base = `capture_${String(n).padStart(9, '0')}`;
        return [path.join(cold, 'captures', `${base}.jpg`), path.join(cold, 'thumbnails', `${base}_thumbnail.jpg`)];
      }),
    );
    for (const file of resolved[0]!.evidence) await access(file);
    const row = store.get(resolved[0]!.incident_id)!;
    expect(row).toMatchObject({ status: 'resolved', resolveReason: 'cleared', evidence: resolved[0]!.evidence });
    expect(store.openIncidents()).toEqual([]);

    await waitFor(() => of('cache_sweep').length > 0 && of('memory').length > 1, 'a sweep and memory samples');
    expect(logLines).toContain('[capture1] Memory cache cleanup completed (next cleanup in 300ms)');
    expect(logLines.some((l) => /^\[MEMORY\] vpt monitor using \d+\.\dMB RAM$/.test(l))).toBe(true);
    expect(monitor!.stats().every((s) => s.evidence === 0)).toBe(true);
  });

  it('10,000 frames to one device faster than it analyses: every bound holds, frames analysed + dropped = written', async () => {
    const live = path.join(root, 'stream', 'capture1');
    await mkdir(path.join(live, 'captures'), { recursive: true });
    const analysed: CapturedFrame[] = [];
    const m = makeMonitor(['capture1'], { delayMs: 2, queueLimit: 150, analysed });
    await m.start();
    let peak = { queued: 0, remembered: 0, evidence: 0 };
    const sample = () => {
      const s = m.stats()[0]!;
      peak = { queued: Math.max(peak.queued, s.queued), remembered: Math.max(peak.remembered, s.remembered), evidence: Math.max(peak.evidence, s.evidence) };
    };
    const sampler = setInterval(sample, 5);
    const shows = (s: number) => (Math.floor(s / 500) % 2 === 1 ? 'freeze' : 'ok');
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => batch * 100 + i).map((s) => writeFrameLikeFfmpeg(live, s, at(s), shows(s))));
      sample();
    }
    await waitFor(
      () => {
        const s = m.stats()[0]!;
        return s.queued === 0 && analysed.length + s.dropped >= 10_000;
      },
      'the queue to drain',
      60_000,
    );
    clearInterval(sampler);
    const s = m.stats()[0]!;
    expect(peak.queued).toBeLessThanOrEqual(150);
    expect(peak.remembered).toBeLessThanOrEqual(RECENT_SEQUENCES_CAP);
    expect(peak.evidence).toBeLessThanOrEqual(INCIDENT_TYPES.length);
    expect(new Set(analysed.map((f) => f.sequence)).size).toBe(analysed.length);
    expect(analysed.length + s.dropped).toBe(10_000);
    // The frame account (issue 29 item 7): all 10,000 seen, each in one outcome, none left pending.
    const d = m.statusSnapshot().devices[0]!;
    expect(d.frames_seen).toBe(10_000);
    expect(d.frames_analysed + d.frames_failed + d.frames_dropped + d.frames_superseded).toBe(10_000);
    expect(d.frames_pending).toBe(0);
    expect(d.frames_analysed).toBe(analysed.length);
    const dropped = of('dropped').reduce((sum, e) => sum + e.count, 0);
    expect(dropped).toBe(s.dropped);
    // One warning per burst, not per frame.
    const warnings = logLines.filter((l) => l.includes('dropping the oldest'));
    expect(warnings.length).toBe(of('dropped').length);
  }, 120_000);

  it('stop() finishes the frame in flight, abandons the waiting ones, and reports it drained', async () => {
    const live = path.join(root, 'stream', 'capture1');
    await mkdir(path.join(live, 'captures'), { recursive: true });
    const analysed: CapturedFrame[] = [];
    const m = makeMonitor(['capture1'], { delayMs: 200, analysed });
    await m.start();
    for (let s = 1; s <= 20; s++) await writeFrameLikeFfmpeg(live, s, at(s), 'ok');
    await waitFor(() => analysed.length >= 1, 'the first frame');
    const result = await m.stop(5_000);
    monitor = undefined;
    expect(result.drained).toBe(true);
    const count = analysed.length;
    expect(count + result.abandoned).toBeLessThanOrEqual(20);
    await new Promise((r) => setTimeout(r, 500));
    expect(analysed.length).toBe(count);
  });
});

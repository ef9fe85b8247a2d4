import Database from 'better-sqlite3';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture, type GeneratedCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 14: one frame pipeline, so `vpt monitor --replay` and the live
 * monitor give the same events and the same incidents on the same frames.
 * One generated capture (hot layout, the farm's RAM mode) is replayed into
 * one state dir and fed live, the ffmpeg way, to a real monitor with another
 * state dir; the events and the incident rows must agree: types, start
 * sequences, durations, open and resolve times on the frame clock.
 * --min-event 2s and --incident-delay 4s scale the design's 5 s / 30 s.
 */
const TIMING = ['--min-event', '2s', '--incident-delay', '4s', '--no-audio'];
const SCRIPT = [
  { kind: 'moving', seconds: 3 },
  { kind: 'held', seconds: 8 },
  { kind: 'moving', seconds: 3 },
  { kind: 'black', seconds: 7 },
  { kind: 'moving', seconds: 2 },
  { kind: 'held', seconds: 1 },
  { kind: 'banner', seconds: 1 },
  { kind: 'moving', seconds: 3 },
] as const;

/**
 * Live frame time is the file's mtime, which carries nanoseconds (utimes from a
 * float: 03.599999999 for 03.600); the replay clock is the first mtime plus
 * sequence / fps. Both are compared to the nearest 10 ms, far below a frame (200 ms).
 */
const ms10 = (ms: number) => Math.round(ms / 10) * 10;
const iso10 = (iso: unknown) => (typeof iso === 'string' ? new Date(ms10(Date.parse(iso))).toISOString() : iso);

interface EventRow {
  type: string;
  startSequence: number;
  durationMs: number;
}

let root: { dir: string; cleanup: () => Promise<void> };
let capture: GeneratedCapture;
const replayEvents: EventRow[] = [];
const liveEvents: EventRow[] = [];
let replaySummary: Record<string, unknown>;

const incidentRows = (stateDir: string) => {
  const db = new Database(path.join(stateDir, 'incidents.db'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT device, type, status, opened_at, resolved_at, duration_ms, resolve_reason, metadata, evidence FROM incidents ORDER BY opened_at')
      .all() as Record<string, unknown>[];
    return rows.map((r): Record<string, unknown> & { metadata: { event_start: string }; evidence: string[] } => {
      const metadata = JSON.parse(String(r.metadata)) as { event_start: string; incident_delay_ms: number };
      return {
        ...r,
        opened_at: iso10(r.opened_at),
        resolved_at: iso10(r.resolved_at),
        duration_ms: ms10(Number(r.duration_ms)),
        metadata: { ...metadata, event_start: String(iso10(metadata.event_start)) },
        // Each run's own stream root: compare where under the device folder the evidence went. Clips are the
        // live monitor's alone (docs/design.md: a replay makes none), so the frames kept are what must match.
        evidence: (JSON.parse(String(r.evidence)) as string[])
          .map((f) => f.split(`${path.sep}capture1${path.sep}`)[1])
          .filter((f) => !f?.startsWith(`clips${path.sep}`)),
      };
    });
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  root = await makeTempDir('vpt-replay-vs-live-');
  const source = path.join(root.dir, 'source');
  capture = await generateCapture(source, SCRIPT, { firstMtimeMs: Date.parse('2025-10-17T14:30:00Z') });
  for (const d of ['replay-state', 'live-state', 'live-tmp']) await mkdir(path.join(root.dir, d));

  // Replay: the whole capture already in hot/ (mtimes kept, as a copy with `cp -p` keeps them).
  const replayHot = path.join(root.dir, 'replay-stream', 'capture1', 'hot');
  await mkdir(replayHot, { recursive: true });
  for (const folder of ['captures', 'thumbnails'])
    await cp(path.join(source, folder), path.join(replayHot, folder), { recursive: true, preserveTimestamps: true });
  const run = await runVpt(
    ['monitor', '--replay', '--stream-root', path.join(root.dir, 'replay-stream'), '--state-dir', path.join(root.dir, 'replay-state'), '--json', ...TIMING],
    { timeoutMs: 120_000 },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  replaySummary = JSON.parse(run.stdout) as Record<string, unknown>;
  const device = (replaySummary.devices as { events: { type: string; start_sequence: number; duration_ms: number }[] }[])[0]!;
  replayEvents.push(...device.events.map((e) => ({ type: e.type, startSequence: e.start_sequence, durationMs: ms10(e.duration_ms) })));

  // Live: the same frames written one by one into hot/ while a real monitor watches.
  const liveStream = path.join(root.dir, 'live-stream');
  await mkdir(path.join(liveStream, 'capture1', 'hot', 'captures'), { recursive: true });
  const m = startMonitor(['--stream-root', liveStream, '--state-dir', path.join(root.dir, 'live-state'), '--devices', 'capture1', ...TIMING], {
    TMPDIR: path.join(root.dir, 'live-tmp'),
  });
  try {
    await m.waitForEvent((e) => e.event === 'memory', 'the start-up memory sample');
    // Paced by what the monitor has analysed: on a loaded machine a backlog would switch it to sampling.
    const analysed = () => m.events.filter((e) => e.event === 'frame').length;
    const n = await feedFrames(source, path.join(liveStream, 'capture1', 'hot'), { rate: 20, ahead: { analysed, max: 10 } });
    await m.waitForEvent(() => m.events.filter((e) => e.event === 'frame').length >= n, 'every frame analysed');
    m.child.kill('SIGTERM');
    expect((await m.child).exitCode).toBe(0);
  } finally {
    m.child.kill('SIGKILL');
  }
  // An event's start sequence is on event_started, its duration on event_ended.
  const started = m.events.filter((e) => e.event === 'event_started');
  for (const end of m.events.filter((e) => e.event === 'event_ended')) {
    const start = started.find((s) => s.type === end.type && s.ts === end.start)!;
    liveEvents.push({ type: String(end.type), startSequence: Number(start.sequence), durationMs: ms10(Number(end.duration_ms)) });
  }
}, 300_000);
afterAll(() => root.cleanup());

const byStart = (a: EventRow, b: EventRow) => a.startSequence - b.startSequence;

describe('replay and live on one generated capture', () => {
  it('give the same events: types, start sequences, durations', () => {
    expect(capture.frames).toBe(28 * 5);
    // The script's two long episodes; the 1 s hold and the 1 s banner stay under --min-event.
    expect(replayEvents.map((e) => e.type).sort()).toEqual(['blackscreen', 'freeze']);
    expect([...liveEvents].sort(byStart)).toEqual([...replayEvents].sort(byStart));
  });

  it('open and resolve the same incidents, at the same frame-clock times, each in its own state dir', () => {
    const replayed = incidentRows(path.join(root.dir, 'replay-state'));
    const live = incidentRows(path.join(root.dir, 'live-state'));
    expect(replayed.map((r) => [r.type, r.status, r.resolve_reason])).toEqual([
      ['freeze', 'resolved', 'cleared'],
      ['blackscreen', 'resolved', 'cleared'],
    ]);
    expect(live).toEqual(replayed);
    // Evidence copied out of hot/ into cold storage, as live does: frame before, first, last (capture + thumbnail).
    for (const r of replayed) {
      expect(r.evidence.length).toBeGreaterThanOrEqual(4);
      for (const f of r.evidence) expect(f).toMatch(/^(captures\/capture_\d{9}\.jpg|thumbnails\/capture_\d{9}_thumbnail\.jpg)$/);
    }
    // --incident-delay means the same in both: 4 s of frame clock after the event's first frame.
    for (const r of replayed) expect(Date.parse(String(r.opened_at)) - Date.parse(r.metadata.event_start)).toBe(4_000);
    expect(replaySummary).toMatchObject({ incidents_opened: 2, incidents_resolved: 2, state_dir: path.join(root.dir, 'replay-state') });
  });
});

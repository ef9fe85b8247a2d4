import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { feedFrames, startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';
import { writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';

/**
 * Issue 11 acceptance on the real binary: --stall-after 2s and
 * --incident-delay 1s, so a stall must open its incident within 2 + 1 (+1) s
 * of the last frame.
 */
const STALL_MS = 2_000;
const DELAY_MS = 2_000;
const TIMING = ['--stall-after', '2s', '--incident-delay', '2s', '--min-event', '2s'];

let root: string;
let cleanup: () => Promise<void>;
let source: string;
let segmentsSource: string;
const started: MonitorProcess[] = [];

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-stall-e2e-'));
  source = path.join(root, 'src');
  await generateCapture(source, [{ kind: 'moving', seconds: 30 }]);
  segmentsSource = path.join(root, 'src-segments');
  await generateSegments({ dir: segmentsSource, audio: [{ kind: 'tone', seconds: 30 }] });
}, 300_000);
afterAll(async () => cleanup());
afterEach(async () => {
  for (const m of started.splice(0)) {
    m.child.kill('SIGKILL');
    await m.child;
  }
});

async function setup(name: string, devices: string[]) {
  const dir = path.join(root, name);
  const stream = path.join(dir, 'stream');
  const state = path.join(dir, 'state');
  for (const d of devices) await mkdir(path.join(stream, d, 'captures'), { recursive: true });
  await mkdir(state, { recursive: true });
  return { stream, state };
}

function monitor(stream: string, state: string, devices: string[], extra: string[] = []): MonitorProcess {
  const m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', devices.join(','), ...TIMING, ...extra], { TMPDIR: root });
  started.push(m);
  return m;
}

const isEvent = (event: string, device: string, type?: string) => (e: Record<string, unknown>) =>
  e.event === event && e.device === device && (type === undefined || e.type === type);

describe('capture stalls (vpt monitor, real binary)', () => {
  it('a device that stops receiving frames opens capture_stalled within stall + delay (+1 s) and resolves when frames return; a device that never started stalls from the start', async () => {
    const { stream, state } = await setup('capture', ['capture1', 'capture2']);
    const m = monitor(stream, state, ['capture1', 'capture2'], ['--no-audio']);
    const live = path.join(stream, 'capture1');
    await m.waitForStderr(/^monitoring /); // frames already there at start are not new
    await feedFrames(source, live, { rate: 5, to: 5 });
    await m.waitForEvent((e) => e.event === 'frame' && e.device === 'capture1', 'a first analysed frame');
    // capture2 never produced a frame: it stalls counted from the monitor's start.
    const never = await m.waitForEvent(isEvent('stall_started', 'capture2', 'capture_stalled'), 'capture2 stalled', 20_000);
    expect(never.last_sequence).toBeNull();
    await m.waitForEvent(isEvent('incident_opened', 'capture2', 'capture_stalled'), 'capture2 incident', 10_000);

    // capture1: frames for 3 s, then nothing.
    await feedFrames(source, live, { rate: 5, from: 5, to: 20 });
    const stoppedAt = Date.now();
    const opened = await m.waitForEvent(isEvent('incident_opened', 'capture1', 'capture_stalled'), 'capture1 incident', 20_000);
    const seenAfter = Date.now() - stoppedAt;
    const shown = await runVpt(['incidents', 'show', String(opened.incident_id), '--json', '--state-dir', state]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    const incident = JSON.parse(shown.stdout) as { event_start: string; opened_at: string; evidence: { path: string; exists: boolean }[] };
    // The event starts at the last frame; the incident opens within stall + delay + 1 s of it.
    expect(Date.parse(incident.opened_at) - Date.parse(incident.event_start)).toBeLessThanOrEqual(STALL_MS + DELAY_MS + 1_000);
    expect(Date.parse(incident.event_start)).toBeLessThanOrEqual(stoppedAt + 100);
    expect(seenAfter).toBeLessThanOrEqual(STALL_MS + DELAY_MS + 1_000 + 1_500); // + the child's stdout on a shared machine
    // Evidence: the last frame before the stall, copied to cold storage.
    expect(incident.evidence.length).toBeGreaterThan(0);
    expect(incident.evidence.every((e) => e.exists)).toBe(true);

    // vpt status meanwhile: a stalled device is critical.
    const status = await runVpt(['status', '--state-dir', state]);
    expect(status.exitCode, status.stdout).toBe(2);
    expect(status.stdout).toMatch(/^VPT CRITICAL - .*capture stalled/m);

    // Frames return: the stall ends and its incident resolves with the real duration.
    await feedFrames(source, live, { rate: 5, from: 20, to: 25 });
    const resolved = await m.waitForEvent(isEvent('incident_resolved', 'capture1', 'capture_stalled'), 'capture1 resolved', 20_000);
    expect(resolved.resolve_reason).toBe('cleared');
    // The stall counts from the last frame; its incident opened once it had lasted the longer of the two.
    expect(resolved.duration_ms as number).toBeGreaterThanOrEqual(Math.max(STALL_MS, DELAY_MS));
    expect(m.events.filter(isEvent('stall_ended', 'capture1'))).toHaveLength(1);

    m.child.kill('SIGTERM');
    const exited = await m.child;
    expect(exited.exitCode).toBe(0);
    expect(m.stderr.join('\n')).toMatch(/summary: up .*incidents opened \d+, resolved \d+; capture1 \d+ frames analysed/);
  }, 120_000);

  it('audio segments that stop while frames go on: segments_stalled, never audio_loss', async () => {
    const { stream, state } = await setup('segments', ['capture1']);
    const live = path.join(stream, 'capture1');
    const segments = path.join(live, 'segments');
    await mkdir(segments, { recursive: true });
    const names = (await readdir(segmentsSource)).filter((n) => /^segment_\d{9}\.ts$/.test(n)).sort();
    const m = monitor(stream, state, ['capture1']);
    await m.waitForStderr(/^monitoring /);
    // 6 s of frames and their 1 s segments together, then 8 s of frames alone.
    for (let second = 0; second < 14; second++) {
      if (second < 6) await copyFile(path.join(segmentsSource, names[second]!), path.join(segments, names[second]!));
      await feedFrames(source, live, { rate: 5, from: second * 5, to: second * 5 + 5 });
    }
    const stalled = await m.waitForEvent(isEvent('stall_started', 'capture1', 'segments_stalled'), 'segments_stalled', 20_000);
    expect(stalled.last_sequence).toBeNull();
    await m.waitForEvent(isEvent('incident_opened', 'capture1', 'segments_stalled'), 'segments_stalled incident', 10_000);
    expect(m.events.filter((e) => e.type === 'audio_loss')).toEqual([]);
    expect(m.events.filter(isEvent('stall_started', 'capture1', 'capture_stalled'))).toEqual([]);
    const snapshot = JSON.parse((await runVpt(['status', '--json', '--state-dir', state])).stdout) as {
      snapshot: { devices: { states: { audio: string } }[] };
    };
    expect(snapshot.snapshot.devices[0]!.states.audio).toBe('stalled');
  }, 120_000);

  it('a clock step (the injected wall clock jumps an hour) opens nothing', async () => {
    const { stream, state } = await setup('clock', ['capture1']);
    const { child } = await startTsChild(path.join(REPO_ROOT, 'test/helpers/children/clock-step-monitor.ts'), [stream, state]);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const live = path.join(stream, 'capture1');
      let sequence = 0;
      const write = async (seconds: number) => {
        for (let i = 0; i < seconds * 5; i++, sequence++) {
          await writeFrameLikeFfmpeg(live, sequence, Date.now(), 'ok');
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await write(2);
      child.kill('SIGUSR2');
      await write(6); // twice the stall time after the step, frames flowing all along
      expect(out).toMatch(/"event":"test_clock_stepped"/);
      expect(out, out).toMatch(/"event":"clock_jump","ts":"[^"]+","jump_ms":(359\d{4}|36\d{5})\b/);
      expect(out).not.toMatch(/"event":"(stall_started|incident_opened)"/);
      // The same with frames stopped across the step: only a real stall, counted after the step, opens.
      child.kill('SIGUSR2');
      const steppedAt = Date.now();
      while (!/"event":"stall_started"/.test(out) && Date.now() - steppedAt < 15_000) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/"event":"stall_started"/);
      expect(Date.now() - steppedAt).toBeGreaterThanOrEqual(2_500);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  }, 90_000);
});

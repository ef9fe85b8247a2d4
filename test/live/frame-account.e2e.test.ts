import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { freePort } from '../../src/core/http/free-port.js';
import { writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { REPO_ROOT, makeTempDir } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';

/**
 * Issue 29 item 7, second half: a starved monitor (4 devices at 50 fps beside busy loops) wrote ~13,660
 * frames per device, analysed 351-577 and said "11 dropped": the rest were in no figure. Here the monitor
 * runs as the command runs it, with an analysis throttled to 10 frames a second, and a burst of frames
 * backs its queue up (drops and sampling, by construction): status.json, /api/status, /metrics and the
 * exit summary account for every frame written, exactly.
 */
const WRITTEN = 400;
/** Above the backlog threshold (50), so the queue both samples and drops. */
const QUEUE_LIMIT = 60;
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

interface Account {
  frames_seen: number;
  frames_analysed: number;
  frames_sampled: number;
  frames_failed: number;
  frames_dropped: number;
  frames_superseded: number;
  frames_pending: number;
}

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-account-')));
afterEach(async () => cleanup());

const settled = (d: Account) => d.frames_analysed + d.frames_failed + d.frames_dropped + d.frames_superseded;

it('frames written faster than they are analysed: seen = analysed + failed + dropped + superseded + pending, in status.json, /metrics, heartbeat and summary', async () => {
  const stream = path.join(root, 'stream');
  const state = path.join(root, 'state');
  const live = path.join(stream, 'capture1');
  await mkdir(path.join(live, 'captures'), { recursive: true });
  await mkdir(state);
  const port = await freePort();
  const script = path.join(REPO_ROOT, 'test/helpers/children/slow-analysis-monitor.ts');
  const { child } = await startTsChild(script, [stream, state, String(port), String(QUEUE_LIMIT)]);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const api = async (route: string) => (await fetch(`http://127.0.0.1:${port}${route}`)).text();
  const device = async () => (JSON.parse(await api('/api/status')) as { devices: Account[] }).devices[0]!;
  const until = async (check: () => Promise<boolean>, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await until(async () => /watching /.test(stderr) && (await api('/api/status')).length > 0, 'the monitor watching', 30_000);
    for (let s = 1; s <= WRITTEN; s++) await writeFrameLikeFfmpeg(live, s, T0 + s * 20, 'ok');

    // While the queue drains the account adds up at every look; then nothing is left pending.
    let looks = 0;
    await until(
      async () => {
        const d = await device();
        expect(settled(d) + d.frames_pending).toBe(d.frames_seen);
        looks++;
        return d.frames_seen === WRITTEN && d.frames_pending === 0;
      },
      'every frame handled',
      90_000,
    );
    expect(looks).toBeGreaterThan(0);
    const d = await device();
    expect(settled(d)).toBe(WRITTEN);
    expect(d.frames_dropped).toBeGreaterThan(0);
    expect(d.frames_sampled).toBeGreaterThan(0);
    expect(d.frames_sampled).toBeLessThan(d.frames_analysed);
    expect(d.frames_superseded).toBe(0);
    expect(d.frames_failed).toBe(0);

    // /metrics: the same account, one outcome label each, plus the pending gauge.
    const metrics = await api('/metrics');
    const value = (line: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.split(' ')[1],
      );
    expect(value('vpt_frames_seen_total{device="capture1"}')).toBe(WRITTEN);
    expect(value('vpt_frames_pending{device="capture1"}')).toBe(0);
    const outcomes = Object.fromEntries(
      ['analysed', 'sampled', 'failed', 'superseded', 'dropped'].map((o) => [o, value(`vpt_frames_total{device="capture1",outcome="${o}"}`)]),
    );
    expect(outcomes).toEqual({
      analysed: d.frames_analysed - d.frames_sampled,
      sampled: d.frames_sampled,
      failed: 0,
      superseded: 0,
      dropped: d.frames_dropped,
    });
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(WRITTEN);

    // The heartbeat line says where the frames went, and its figures add up.
    await until(async () => /of 400 frames seen: .* 0 not yet handled/.test(stderr), 'a heartbeat after the drain', 10_000);
    const beat =
      /\[capture1\] (\d+) frames analysed.*of (\d+) frames seen: (\d+) analysed \((\d+) sampled\), (\d+) superseded, (\d+) dropped, (\d+) failed, (\d+) not yet handled/
        .exec(stderr.split('\n').findLast((l) => l.includes('frames seen')) ?? '')!
        .slice(1)
        .map(Number);
    const [analysed, seen, analysedAgain, sampled, ...rest] = beat as [number, number, number, number, ...number[]];
    expect(analysedAgain).toBe(analysed);
    expect(sampled).toBeLessThan(analysed);
    expect(seen).toBe(analysed + rest.reduce((a, b) => a + b, 0));

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const summary = stderr.split('\n').find((l) => l.includes('frames: capture1'));
    expect(summary).toContain(
      `frames: capture1 of ${WRITTEN} frames seen: ${d.frames_analysed} analysed (${d.frames_sampled} sampled), 0 superseded, ${d.frames_dropped} dropped, 0 failed, 0 never handled`,
    );
    // The last status.json, written at stop, holds the same account.
    const file = JSON.parse(await readFile(path.join(state, 'status.json'), 'utf8')) as { devices: Account[] };
    expect(file.devices[0]).toMatchObject({
      frames_seen: WRITTEN,
      frames_analysed: d.frames_analysed,
      frames_sampled: d.frames_sampled,
      frames_dropped: d.frames_dropped,
      frames_superseded: 0,
      frames_failed: 0,
      frames_pending: 0,
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await child;
  }
}, 150_000);

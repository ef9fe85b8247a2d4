import os from 'node:os';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FRAME_INTERVAL_MS, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';
import { startTsChild } from '../helpers/ts-child.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const CHILD = path.join(REPO_ROOT, 'test/helpers/children/webhook-monitor.ts');
const WAIT = { timeout: 40_000, interval: 100 };

let dir: string;
let cleanup: () => Promise<void>;
let endpoint: WebhookReceiver;
const children: ResultPromise[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-monitor-webhook-'));
  await mkdir(path.join(dir, 'stream', 'capture1', 'captures'), { recursive: true });
  await mkdir(path.join(dir, 'state'));
  endpoint = new WebhookReceiver();
  await endpoint.up();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await child;
  }
  await endpoint.down();
  await cleanup();
});

async function startMonitor(): Promise<{ child: ResultPromise; stdout: () => string }> {
  const { child } = await startTsChild(CHILD, [path.join(dir, 'stream'), path.join(dir, 'state'), endpoint.url]);
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  return { child, stdout: () => out };
}

/** A capture in real time: frames keep coming (ffmpeg-style), the script says what they show. */
class Capture {
  sequence = 0;
  private readonly t0 = Date.now();
  async write(shows: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++, this.sequence++) {
      await writeFrameLikeFfmpeg(path.join(dir, 'stream', 'capture1'), this.sequence, this.t0 + this.sequence * FRAME_INTERVAL_MS, shows);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** Keep writing clear frames until the monitor reports analysing one. */
  async untilWatched(stdout: () => string): Promise<void> {
    await vi.waitFor(async () => {
      await this.write('ok', 2);
      expect(stdout()).toMatch(/"event":"frame"/);
    }, WAIT);
  }
}

describe('vpt monitor --webhook (runLive in a child process, real SQLite, real HTTP)', () => {
  it('POSTs incidents as they open and resolve; what the endpoint missed while down is sent at the next start', async () => {
    const first = await startMonitor();
    const capture = new Capture();
    await capture.untilWatched(first.stdout);
    await capture.write('freeze', 10); // 2 s on the frame clock: an incident after 1 s
    await capture.write('ok', 3);
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(new Set(['1:incident_opened', '1:incident_resolved'])), WAIT);
    const opened = endpoint.received.find((r) => r.body.event === 'incident_opened')!.body;
    expect(opened).toMatchObject({ id: 1, host: os.hostname(), device: 'capture1', type: 'freeze', status: 'open', resolved_at: null });

    await endpoint.down();
    await capture.write('blackscreen', 10);
    await capture.write('ok', 3);
    await vi.waitFor(() => expect(first.stdout()).toMatch(/"event":"incident_resolved".*"incident_id":2/), WAIT);
    first.child.kill('SIGTERM');
    const exited = await first.child;
    expect(exited.exitCode, String(exited.stderr)).toBe(0);
    expect(exited.stderr).toMatch(/webhook: 0 delivered on exit, 2 kept for the next start/);

    await endpoint.up(); // same port
    const second = await startMonitor();
    await vi.waitFor(
      () => expect(endpoint.deliveredKeys()).toEqual(new Set(['1:incident_opened', '1:incident_resolved', '2:incident_opened', '2:incident_resolved'])),
      WAIT,
    );
    second.child.kill('SIGTERM');
    expect((await second.child).exitCode).toBe(0);
  }, 120_000);

  it('refuses a --webhook that is not an http(s) URL with one line and exit 2', async () => {
    const run = await runVpt(['monitor', '--state-dir', path.join(dir, 'state'), '--stream-root', path.join(dir, 'stream'), '--webhook', 'ftp://example.org/x']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: --webhook: "ftp://example.org/x" is not an http:// or https:// URL');
  });
});

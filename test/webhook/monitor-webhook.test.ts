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

async function startMonitor(url = endpoint.url): Promise<{ child: ResultPromise; stdout: () => string; stderr: () => string }> {
  const { child } = await startTsChild(CHILD, [path.join(dir, 'stream'), path.join(dir, 'state'), url]);
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

/**
 * SIGTERM straight to the process: execa's own kill() adds a SIGKILL 5 s later,
 * and the monitor may rightly spend 4.5 s flushing the webhook, more on a loaded machine.
 */
function sigterm(child: ResultPromise): void {
  process.kill(child.pid!, 'SIGTERM');
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
    sigterm(first.child);
    const exited = await first.child;
    expect(exited.exitCode, `${String(exited.signal)} ${String(exited.stderr)}`).toBe(0);
    expect(exited.stderr).toMatch(/webhook: 0 delivered on exit, 2 kept for the next start/);

    await endpoint.up(); // same port
    const second = await startMonitor();
    await vi.waitFor(
      () => expect(endpoint.deliveredKeys()).toEqual(new Set(['1:incident_opened', '1:incident_resolved', '2:incident_opened', '2:incident_resolved'])),
      WAIT,
    );
    sigterm(second.child);
    expect((await second.child).exitCode).toBe(0);
  }, 120_000);

  it('sends URL credentials as Basic auth and prints the secrets nowhere (issue 16, item 10)', async () => {
    endpoint.setResponder((_, n) => (n === 1 ? 500 : 200)); // the first failure logs the URL
    const url = endpoint.url.replace('http://', 'http://farm:S3CRET-PW@') + '?token=S3CRET-TOKEN&site=lab';
    const monitor = await startMonitor(url);
    const capture = new Capture();
    await capture.untilWatched(monitor.stdout);
    await capture.write('freeze', 10);
    await capture.write('ok', 3);
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(new Set(['1:incident_opened', '1:incident_resolved'])), WAIT);
    expect(endpoint.received.map((r) => r.authorization)).toEqual(
      Array(endpoint.received.length).fill(`Basic ${Buffer.from('farm:S3CRET-PW').toString('base64')}`),
    );
    expect(endpoint.received[0]!.path).toBe('/hook?token=S3CRET-TOKEN&site=lab');
    sigterm(monitor.child);
    await monitor.child;
    expect(monitor.stderr()).toMatch(/webhook: POST http:\/\/\*\*\*@127\.0\.0\.1:\d+\/hook\?token=\*\*\*&site=lab failed \(HTTP 500\)/);
    expect(monitor.stdout() + monitor.stderr()).not.toMatch(/S3CRET/);

    const unit = await runVpt(['monitor', '--print-unit', '--devices', 'capture1', '--webhook', url]);
    expect(unit.exitCode).toBe(0);
    expect(unit.stdout + unit.stderr).not.toMatch(/S3CRET/);
    expect(unit.stdout).toMatch(/^EnvironmentFile=\/etc\/vpt\/monitor\.env$/m);
    expect(unit.stdout).toMatch(/^ExecStart=.* monitor --devices capture1$/m);
    const refused = await runVpt(['monitor', '--webhook', 'ftp://farm:S3CRET-PW@host/x?sig=S3CRET-SIG']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe('vpt: --webhook: "ftp://***@host/x?sig=***" is not an http:// or https:// URL');
  }, 120_000);

  it('reads --webhook from VPT_WEBHOOK, so a secret need not be on the command line', async () => {
    const run = await runVpt(['monitor', '--print-unit'], { env: { VPT_WEBHOOK: 'https://alerts.local/vpt' } });
    expect(run.stdout).toMatch(/^ExecStart=.* monitor --webhook https:\/\/alerts\.local\/vpt$/m);
  });

  it('refuses a --webhook that is not an http(s) URL with one line and exit 2', async () => {
    const run = await runVpt([
      'monitor',
      '--state-dir',
      path.join(dir, 'state'),
      '--stream-root',
      path.join(dir, 'stream'),
      '--webhook',
      'ftp://example.org/x',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: --webhook: "ftp://example.org/x" is not an http:// or https:// URL');
  });
});

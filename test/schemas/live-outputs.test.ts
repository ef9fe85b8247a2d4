import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/http/free-port.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { checkOutput } from '../helpers/output-schemas.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 28, tier 3: what a real live monitor says to machines — its --json
 * lines, status.json, /api/status, /api/incidents, `vpt status --json`, the
 * webhook's body and the alerts it posts to Alertmanager (a loopback
 * receiver here: the body is what is checked) — validates against
 * docs/schemas.
 */
let root: { dir: string; cleanup: () => Promise<void> };
let monitor: MonitorProcess | undefined;
const webhook = new WebhookReceiver();
const alertmanager = new WebhookReceiver();
let state: string;
let port: number;
let api: { status: unknown; incidents: unknown };

beforeAll(async () => {
  root = await makeTempDir('vpt-schemas-live-');
  const source = path.join(root.dir, 'source');
  await generateCapture(
    source,
    [
      { kind: 'moving', seconds: 2 },
      { kind: 'black', seconds: 5 },
      { kind: 'moving', seconds: 3 },
    ],
    { width: 640, height: 360 },
  );
  await webhook.up();
  await alertmanager.up();
  const stream = path.join(root.dir, 'stream');
  state = path.join(root.dir, 'state');
  await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
  await mkdir(state);
  port = await freePort();
  monitor = startMonitor(
    [
      ...['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio'],
      ...['--min-event', '1s', '--incident-delay', '2s', '--listen', `127.0.0.1:${port}`, '--heartbeat', '1s'],
      ...['--webhook', webhook.url, '--alertmanager', `http://127.0.0.1:${alertmanager.port}`],
    ],
    { TMPDIR: root.dir },
  );
  await monitor.waitForEvent((e) => e.event === 'memory', 'the monitor started');
  await feedFrames(source, path.join(stream, 'capture1'), { rate: 10 });
  await monitor.waitForEvent((e) => e.event === 'incident_resolved', 'incident resolved');
  await monitor.waitForEvent((e) => e.event === 'heartbeat', 'a heartbeat');
  const get = async (route: string) => (await fetch(`http://127.0.0.1:${port}${route}`)).json() as Promise<unknown>;
  api = { status: await get('/api/status'), incidents: await get('/api/incidents') };
  const deadline = Date.now() + 30_000;
  while (webhook.received.length < 2 || alertmanager.received.length < 2) {
    if (Date.now() > deadline) throw new Error(`webhook ${webhook.received.length}, alertmanager ${alertmanager.received.length} posts after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 180_000);

afterAll(async () => {
  if (monitor) {
    monitor.child.kill('SIGKILL');
    await monitor.child;
  }
  await webhook.down();
  await alertmanager.down();
  await root.cleanup();
});

describe('the live monitor, to machines', () => {
  it('every --json line matches docs/schemas/monitor-event.schema.json', () => {
    const kinds = new Set(monitor!.events.map((e) => e.event));
    for (const kind of ['frame', 'event_started', 'event_ended', 'incident_opened', 'incident_resolved', 'memory', 'heartbeat']) expect(kinds).toContain(kind);
    for (const e of monitor!.events) expect(checkOutput('monitor-event', e), JSON.stringify(e)).toEqual([]);
  });

  it('status.json, /api/status, /api/incidents and vpt status --json match their schemas', async () => {
    expect(checkOutput('status-file', JSON.parse(await readFile(path.join(state, 'status.json'), 'utf8')))).toEqual([]);
    expect(checkOutput('api-status', api.status)).toEqual([]);
    expect(checkOutput('api-incidents', api.incidents)).toEqual([]);
    const run = await runVpt(['status', '--state-dir', state, '--json']);
    expect(checkOutput('status-command', JSON.parse(run.stdout))).toEqual([]);
  });

  it("the webhook's bodies and the alerts posted to Alertmanager match theirs", () => {
    for (const r of webhook.received) expect(checkOutput('webhook', r.body)).toEqual([]);
    expect(webhook.received.map((r) => r.body.event)).toEqual(expect.arrayContaining(['incident_opened', 'incident_resolved']));
    for (const r of alertmanager.received) {
      const alerts = r.body as unknown as unknown[];
      expect(alerts.length).toBeGreaterThan(0);
      for (const alert of alerts) expect(checkOutput('alertmanager-alert', alert)).toEqual([]);
    }
  });
});

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/http/free-port.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { startAlertmanager, type RealServer } from '../helpers/prometheus-servers.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 12 acceptance: Debian's Alertmanager receives a real monitor's
 * incident as an alert, firing while the black screen lasts and resolved
 * (endsAt) once it ends; Alertmanager itself then notifies its receiver
 * with "firing" and "resolved", as it would a fleet's chat or pager.
 */
let root: string;
let cleanup: () => Promise<void>;
let am: RealServer | undefined;
let monitor: MonitorProcess | undefined;
const receiver = new WebhookReceiver();
let source: string;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-am-e2e-'));
  source = path.join(root, 'src');
  await generateCapture(
    source,
    [
      { kind: 'moving', seconds: 3 },
      { kind: 'black', seconds: 12 },
      { kind: 'moving', seconds: 4 },
    ],
    { width: 640, height: 360 },
  );
  await receiver.up();
  am = await startAlertmanager(root, receiver.url);
}, 120_000);

afterAll(async () => {
  if (monitor) {
    monitor.child.kill('SIGKILL');
    await monitor.child;
  }
  await am?.stop();
  await receiver.down();
  await cleanup();
});

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}
const alerts = async (): Promise<GettableAlert[]> => (await fetch(`${am!.url}/api/v2/alerts`)).json() as Promise<GettableAlert[]>;
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nmonitor:\n${monitor?.stderr.join('\n')}\nalertmanager:\n${am?.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("vpt monitor --alertmanager, against Debian's prometheus-alertmanager", () => {
  it('an incident fires as an alert while the episode lasts and is resolved with endsAt when it ends', async () => {
    const stream = path.join(root, 'stream');
    await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
    await mkdir(path.join(root, 'state'));
    const port = await freePort();
    monitor = startMonitor(
      [
        '--stream-root',
        stream,
        '--state-dir',
        path.join(root, 'state'),
        '--devices',
        'capture1',
        '--no-audio',
        '--min-event',
        '2s',
        '--incident-delay',
        '3s',
        '--listen',
        `127.0.0.1:${port}`,
        '--alertmanager',
        am!.url,
      ],
      { TMPDIR: root },
    );
    await monitor.waitForEvent((e) => e.event === 'memory', 'the monitor started');
    // The moving start and 9 s of the black screen: the incident opens (3 s) and stays open while we look.
    await feedFrames(source, path.join(stream, 'capture1'), { rate: 10, to: 12 * 5 });
    const opened = await monitor.waitForEvent((e) => e.event === 'incident_opened', 'incident opened');
    const firing = await until('the alert in Alertmanager', async () => (await alerts()).find((a) => a.labels.device === 'capture1'));
    expect(firing.labels).toEqual({ alertname: 'VptIncident', host: expect.any(String), device: 'capture1', type: 'blackscreen' });
    expect(firing.status.state).toBe('active');
    expect(firing.annotations).toMatchObject({ incident: String(opened.incident_id), started: expect.stringMatching(/^\d{4}-/) });
    expect(firing.annotations.summary).toContain(`capture1: blackscreen for`);
    expect(firing.annotations.evidence).toContain('capture_000000015_thumbnail.jpg'); // the first black frame
    expect(firing.generatorURL).toBe(`http://127.0.0.1:${port}/#incident-${String(opened.incident_id)}`);
    expect(Date.parse(firing.endsAt)).toBeGreaterThan(Date.now() + 60_000); // kept alive by re-posts, not by a forever endsAt
    // Alertmanager's own notification went out as firing.
    await until('a firing notification', async () => receiver.received.find((r) => r.body.status === 'firing'));

    await feedFrames(source, path.join(stream, 'capture1'), { rate: 10, from: 12 * 5 });
    const resolved = await monitor.waitForEvent((e) => e.event === 'incident_resolved', 'incident resolved');
    await until("the alert to leave Alertmanager's active list", async () => ((await alerts()).some((a) => a.labels.device === 'capture1') ? undefined : true));
    const notification = await until('a resolved notification', async () => receiver.received.find((r) => r.body.status === 'resolved'));
    const [alert] = notification.body.alerts as { status: string; endsAt: string; labels: Record<string, string> }[];
    expect(alert).toMatchObject({ status: 'resolved', labels: { device: 'capture1', type: 'blackscreen' } });
    expect(Date.parse(alert!.endsAt)).toBe(Date.parse(String(resolved.ts)));
  }, 120_000);
});

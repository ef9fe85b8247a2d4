import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_NAME, alertmanagerEndpoint, FIRING_VALID_MS } from '../../src/core/alertmanager/alerts.js';
import { ALERTS_PER_POST, AlertmanagerSender, type PostAlerts } from '../../src/core/alertmanager/alertmanager-sender.js';
import { AlertmanagerDeliveries } from '../../src/core/alertmanager/delivery-table.js';
import type { PostableAlert } from '../../src/core/alertmanager/alerts.js';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
let store: IncidentStore;
let deliveries: AlertmanagerDeliveries;
const NOW = Date.parse('2026-11-30T12:00:00Z');

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-am-'));
  store = IncidentStore.openInDir(dir);
  deliveries = new AlertmanagerDeliveries(path.join(dir, 'incidents.db'));
});
afterEach(async () => {
  deliveries.close();
  store.close();
  await cleanup();
});

/** A recording Alertmanager stand-in: which alerts each POST carried; `fail` answers the next ones with an error. */
function recorder() {
  const posts: PostableAlert[][] = [];
  let fail = 0;
  const post: PostAlerts = async (_url, alerts) => {
    if (fail > 0) {
      fail--;
      return { ok: false, error: 'HTTP 503' };
    }
    posts.push(alerts);
    return { ok: true };
  };
  return { posts, post, failNext: (n: number) => (fail = n) };
}

describe('Alertmanager sender', () => {
  it('the endpoint: a base URL gains /api/v2/alerts; a bad one is a usage error', () => {
    expect(alertmanagerEndpoint('http://am:9093').href).toBe('http://am:9093/api/v2/alerts');
    expect(alertmanagerEndpoint('http://am:9093/prefix/').href).toBe('http://am:9093/prefix/api/v2/alerts');
    expect(alertmanagerEndpoint('http://am:9093/api/v2/alerts').href).toBe('http://am:9093/api/v2/alerts');
    expect(() => alertmanagerEndpoint('am:9093')).toThrow(/not an http/);
    expect(() => alertmanagerEndpoint('nope')).toThrow(/not a URL/);
  });

  it('posts open incidents as firing, a resolution once (first in its round), and a failed resolution again later', async () => {
    const a = store.open(
      'capture1',
      'freeze',
      NOW - 60_000,
      ['/s/capture1/thumbnails/capture_000000001_thumbnail.jpg'],
      {},
      Date.parse('2026-11-30T11:58:30.000Z'),
    );
    const b = store.open('capture1', 'blackscreen', NOW - 30_000, []);
    const am = recorder();
    const sender = new AlertmanagerSender({
      url: 'http://am/api/v2/alerts',
      deliveries,
      post: am.post,
      host: 'pi-17',
      now: () => NOW,
      pageUrl: 'http://pi-17:9842/',
    });
    sender.start();
    await sender.idle();
    expect(am.posts).toHaveLength(1);
    expect(am.posts[0]!.map((x) => x.labels)).toEqual([
      { alertname: ALERT_NAME, host: 'pi-17', device: 'capture1', type: 'freeze' },
      { alertname: ALERT_NAME, host: 'pi-17', device: 'capture1', type: 'blackscreen' },
    ]);
    expect(am.posts[0]![0]).toMatchObject({
      startsAt: '2026-11-30T11:58:30.000Z',
      endsAt: new Date(NOW + FIRING_VALID_MS).toISOString(),
      generatorURL: `http://pi-17:9842/#incident-${a.id}`,
      annotations: { started: '2026-11-30T11:58:30.000Z', evidence: '/s/capture1/thumbnails/capture_000000001_thumbnail.jpg', incident: String(a.id) },
    });

    // The resolution's post fails: it is still owed, and goes (first) in the next round.
    store.resolve(a.id, NOW - 1_000, 'cleared');
    am.failNext(1);
    sender.notify();
    await sender.idle();
    expect(am.posts).toHaveLength(1);
    sender.notify();
    await sender.idle();
    expect(am.posts[1]!.map((x) => [x.labels.type, x.endsAt])).toEqual([
      ['freeze', new Date(NOW - 1_000).toISOString()],
      ['blackscreen', new Date(NOW + FIRING_VALID_MS).toISOString()],
    ]);
    // Delivered once: the next round has only the open one.
    sender.notify();
    await sender.idle();
    expect(am.posts[2]!.map((x) => x.labels.type)).toEqual(['blackscreen']);
    // Remembered in the database: a new sender (a restart) owes nothing.
    expect(new AlertmanagerDeliveries(path.join(dir, 'incidents.db')).resolvedOwed(NOW)).toEqual([]);
    await sender.stop();
    expect(b.id).toBeGreaterThan(a.id);
  });

  it(`posts at most ${ALERTS_PER_POST} alerts per request`, async () => {
    for (let d = 0; d < 250; d++) store.open(`capture${d}`, 'freeze', NOW, []);
    const am = recorder();
    const sender = new AlertmanagerSender({ url: 'http://am/api/v2/alerts', deliveries, post: am.post, now: () => NOW });
    sender.start();
    await sender.idle();
    await sender.stop();
    expect(am.posts.map((p) => p.length)).toEqual([100, 100, 50]);
  });
});

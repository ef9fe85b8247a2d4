import Database from 'better-sqlite3';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { createLogger } from '../../src/core/logger.js';
import { RETRY_CAP_MS, RETRY_FLOOR_MS, backoffDelayMs, isRetryableStatus } from '../../src/core/webhook/backoff.js';
import type { Outbox } from '../../src/core/webhook/outbox.js';
import { SqliteOutbox } from '../../src/core/webhook/sqlite-outbox.js';
import { WEBHOOK_BATCH_LIMIT, WebhookSender } from '../../src/core/webhook/webhook-sender.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const T0 = Date.parse('2025-10-17T14:30:00.000Z');
/** Fast retries so the test's outage is seconds, not minutes; the production constants are tested separately. */
const FAST = { retryBaseMs: 20, retryCapMs: 300, requestTimeoutMs: 2_000 };
const WAIT = { timeout: 30_000, interval: 50 };

let dir: string;
let cleanup: () => Promise<void>;
let store: IncidentStore;
const closers: (() => unknown)[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-webhook-'));
  store = IncidentStore.openInDir(dir, { outbox: true });
  closers.push(() => store.close());
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await cleanup();
});

function openOutbox(): SqliteOutbox {
  const outbox = new SqliteOutbox(path.join(dir, 'incidents.db'));
  closers.push(() => outbox.close());
  return outbox;
}

async function receiver(respond?: ConstructorParameters<typeof WebhookReceiver>[0]): Promise<WebhookReceiver> {
  const r = new WebhookReceiver(respond);
  await r.up();
  closers.push(() => r.down());
  return r;
}

function sender(outbox: Outbox, url: string, extra: Partial<ConstructorParameters<typeof WebhookSender>[0]> = {}): WebhookSender {
  const s = new WebhookSender({ url, outbox, ...FAST, ...extra });
  closers.push(() => s.stop());
  return s;
}

/** Open and resolve an incident; returns the keys the endpoint must see. */
function incident(device: string, n: number): string[] {
  const opened = store.open(device, 'freeze', T0 + n * 60_000, [`/s/${device}/captures/capture_${n}.jpg`]);
  store.resolve(opened.id, T0 + n * 60_000 + 42_000, 'cleared');
  return [`${opened.id}:incident_opened`, `${opened.id}:incident_resolved`];
}

describe('backoff', () => {
  it('draws a full-jitter delay under an exponential ceiling, capped at 5 minutes', () => {
    expect(backoffDelayMs(1, () => 0.5)).toBe(500);
    expect(backoffDelayMs(3, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(9, () => 0.5)).toBe(128_000);
    expect(backoffDelayMs(10, () => 0.5)).toBe(RETRY_CAP_MS / 2);
    expect(backoffDelayMs(500, () => 0.999)).toBeLessThan(RETRY_CAP_MS);
    expect(backoffDelayMs(1, () => 0)).toBe(RETRY_FLOOR_MS);
  });

  it('retries 5xx, 408 and 429, not other client errors', () => {
    expect([500, 502, 503, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 410, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('WebhookSender with a real endpoint and the real outbox', () => {
  it('delivers every incident, each with its id, through 500s and an endpoint down for a while', async () => {
    const endpoint = await receiver((_, n) => (n <= 3 ? 500 : 200));
    const lines: string[] = [];
    const s = sender(openOutbox(), endpoint.url, { logger: createLogger({ write: (l) => void lines.push(l) }) });
    s.start();
    const expected = new Set<string>();
    for (let n = 0; n < 3; n++) {
      for (const key of incident(`capture${n + 1}`, n)) expected.add(key);
      s.notify();
    }
    // Past the three 500s, something got through: now the endpoint goes away.
    await vi.waitFor(() => expect(endpoint.received.filter((r) => r.status === 200).length).toBeGreaterThan(0), WAIT);
    await endpoint.down();
    for (let n = 3; n < 5; n++) {
      for (const key of incident(`capture${n + 1}`, n)) expected.add(key);
      s.notify();
    }
    await vi.waitFor(() => expect(s.failures).toBeGreaterThanOrEqual(5), WAIT); // 3 x 500 + at least 2 refused
    await endpoint.up(); // same port
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(expected), WAIT);

    for (const { body, delivery } of endpoint.received) {
      expect(body).toMatchObject({ id: expect.any(Number), event: expect.stringMatching(/^incident_(opened|resolved)$/), type: 'freeze' });
      expect(body.device).toMatch(/^capture\d$/);
      expect(body.opened_at).toMatch(/^2025-10-17T/);
      expect(delivery).toBe(String(body.delivery_id));
    }
    const resolved = endpoint.received.find((r) => r.body.event === 'incident_resolved')!.body;
    expect(resolved).toMatchObject({ status: 'resolved', duration_ms: 42_000, resolve_reason: 'cleared', evidence: [expect.stringContaining('/captures/')] });
    await s.idle();
    expect(openOutbox().pendingCount()).toBe(0);
    // One warning for the outage, not one per failed attempt.
    expect(lines.filter((l) => l.startsWith('warning: webhook')).length).toBeLessThan(s.failures);
  }, 60_000);

  it('on exit keeps trying until the deadline, and what is left is sent at the next start', async () => {
    const endpoint = await receiver();
    await endpoint.down();
    const first = sender(openOutbox(), endpoint.url);
    const expected = new Set([...incident('capture1', 0), ...incident('capture2', 1)]);
    first.start();
    const started = Date.now();
    const left = await first.flush(Date.now() + 1_000);
    expect(left).toEqual({ delivered: 0, pending: 4 });
    expect(Date.now() - started).toBeLessThan(10_000); // it gives up; the exact figure is not the point

    await endpoint.up();
    const next = sender(openOutbox(), endpoint.url); // a new process: new connection, same database
    next.start();
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(expected), WAIT);
    const attempts = new Database(path.join(dir, 'incidents.db'), { readonly: true });
    closers.push(() => attempts.close());
    // The exit flush kept retrying the head row (250 ms apart) rather than giving up after one try.
    expect(attempts.prepare('SELECT max(attempts) FROM outbox').pluck().get()).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('flush delivers what is pending when the endpoint answers', async () => {
    const endpoint = await receiver();
    const s = sender(openOutbox(), endpoint.url);
    const expected = new Set(incident('capture1', 0));
    // Never started: only the exit flush sends.
    expect(await s.flush()).toEqual({ delivered: 2, pending: 0 });
    expect(endpoint.deliveredKeys()).toEqual(expected);
  });

  it('does not let a request the endpoint rejects (4xx) block the others, and keeps it for later', async () => {
    const endpoint = await receiver((body) => (body.device === 'poison' ? 422 : 200));
    const s = sender(openOutbox(), endpoint.url);
    const poison = incident('poison', 0);
    const good = [...incident('capture1', 1), ...incident('capture2', 2)];
    s.start();
    await vi.waitFor(() => expect([...endpoint.deliveredKeys()].sort()).toEqual(good.sort()), WAIT);
    // Retried, never dropped.
    await vi.waitFor(() => expect(endpoint.received.filter((r) => r.body.device === 'poison').length).toBeGreaterThanOrEqual(4), WAIT);
    expect(openOutbox().pendingCount()).toBe(poison.length);
  }, 60_000);

  it('gives up on a request that gets no answer (per-request timeout) and retries it', async () => {
    const endpoint = await receiver((_, n) => (n === 1 ? 'hang' : 200));
    const s = sender(openOutbox(), endpoint.url, { requestTimeoutMs: 300 });
    const expected = new Set(incident('capture1', 0));
    s.start();
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(expected), WAIT);
    expect(s.failures).toBe(1);
  }, 60_000);

  it('judges a 200 whose body never ends as delivered, reading a bounded part of it (issue 16, item 9)', async () => {
    // 1 MiB every 10 ms, forever: the old arrayBuffer() read until the timeout and was judged failed.
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const srv = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200);
      const timer = setInterval(() => res.write(chunk), 10);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      srv.closeAllConnections();
      return new Promise((resolve) => srv.close(resolve));
    });
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
    const s = sender(openOutbox(), url, { requestTimeoutMs: 1_500 });
    const rssBefore = process.memoryUsage().rss;
    incident('capture1', 0);
    s.start();
    await vi.waitFor(() => expect(s.delivered).toBe(2), WAIT);
    expect(s.failures).toBe(0);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it(`loads at most ${WEBHOOK_BATCH_LIMIT} rows at a time however long the backlog`, async () => {
    const endpoint = await receiver();
    const real = openOutbox();
    let largest = 0;
    const counting: Outbox = {
      due: (now, limit) => {
        const rows = real.due(now, limit);
        largest = Math.max(largest, rows.length);
        return rows;
      },
      markSent: (id, at) => real.markSent(id, at),
      markFailed: (id, a, next, e) => real.markFailed(id, a, next, e),
      pendingCount: () => real.pendingCount(),
    };
    for (let n = 0; n < 60; n++) incident(`capture${n}`, n);
    const s = sender(counting, endpoint.url);
    s.start();
    await vi.waitFor(() => expect(endpoint.deliveredKeys().size).toBe(120), WAIT);
    expect(largest).toBe(WEBHOOK_BATCH_LIMIT);
  }, 60_000);
});

describe('SqliteOutbox', () => {
  it('keeps failed rows out of due() until their next attempt, and prunes old delivered rows', () => {
    const outbox = openOutbox();
    incident('capture1', 0);
    const [a, b] = outbox.due(Date.now(), 10);
    expect(a!.incident).toMatchObject({ device: 'capture1', type: 'freeze', status: 'open' });
    expect(b!.incident).toMatchObject({ status: 'resolved', durationMs: 42_000 });
    outbox.markFailed(a!.id, 1, Date.now() + 60_000, 'HTTP 500');
    outbox.markSent(b!.id, Date.now() - 10 * 24 * 3600_000);
    expect(outbox.due(Date.now(), 10)).toEqual([]);
    expect(outbox.due(Date.now() + 61_000, 10).map((r) => [r.id, r.attempts])).toEqual([[a!.id, 1]]);
    expect(outbox.pendingCount()).toBe(1);
    expect(outbox.pruneSent(Date.now() - 7 * 24 * 3600_000)).toBe(1);
    expect(outbox.pendingCount()).toBe(1);
  });
});

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { IncidentReader } from '../../src/core/incidents/incident-reader.js';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { MAX_CONNECTIONS, MAX_HEADER_BYTES, MAX_URL_BYTES, startStatusServer, type StatusServer } from '../../src/core/http/status-server.js';
import { MonitorMetrics } from '../../src/core/metrics/monitor-metrics.js';
import { MAX_CLIPS_IN_FLIGHT, route, type RouteContext } from '../../src/core/http/status-routes.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** A monitor whose watcher saw no frame (the frame account's watcher half). */
const NO_FRAMES = { seen: 0, superseded: 0 };

/**
 * The status server on a real socket, over a real stream root and a real
 * incidents.db: what it serves, and what it refuses. A file outside the
 * stream root (`secret.txt`, and a thumbnail-named file in a sibling folder)
 * must never come back, whatever the URL.
 */
let dir: string;
let cleanup: () => Promise<void>;
let server: StatusServer;
let reader: IncidentReader;
let store: IncidentStore;
let errors: string[];
let monitorStatus: MonitorStatus;
let thumbsDir: string;
let ctx: RouteContext;
const SECRET = 'TOP-SECRET-CONTENT';

const thumb = (n: number) => `capture_${String(n).padStart(9, '0')}_thumbnail.jpg`;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-http-'));
  const stream = path.join(dir, 'stream');
  const thumbs = path.join(stream, 'capture1', 'thumbnails');
  await mkdir(thumbs, { recursive: true });
  await mkdir(path.join(dir, 'state'));
  await mkdir(path.join(dir, 'outside', 'thumbnails'), { recursive: true });
  await writeFile(path.join(dir, 'secret.txt'), SECRET);
  await writeFile(path.join(dir, 'outside', 'thumbnails', thumb(1)), SECRET);
  const jpeg = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
  for (const n of [4, 5, 40]) await writeFile(path.join(thumbs, thumb(n)), jpeg);
  // A thumbnail name that is a symlink out of the stream root.
  await symlink(path.join(dir, 'secret.txt'), path.join(thumbs, thumb(41)));
  store = IncidentStore.openInDir(path.join(dir, 'state'));
  store.open(
    'capture1',
    'freeze',
    Date.parse('2026-11-30T10:00:30Z'),
    [path.join(thumbs, thumb(4)), path.join(thumbs, thumb(5))],
    {},
    Date.parse('2026-11-30T10:00:00.000Z'),
  );
  // Incident 1's start clip, made after it opened; incident 2's "clip" is a symlink out of the stream root.
  await mkdir(path.join(stream, 'capture1', 'clips'));
  await writeFile(path.join(stream, 'capture1', 'clips', 'incident_1_start.mp4'), 'MP4-BYTES');
  await symlink(path.join(dir, 'secret.txt'), path.join(stream, 'capture1', 'clips', 'incident_2_start.mp4'));
  store.addEvidence(1, [path.join(stream, 'capture1', 'clips', 'incident_1_start.mp4')]);
  const bad = store.open('capture1', 'blackscreen', Date.parse('2026-11-30T10:01:00Z'), [
    path.join(dir, 'outside', 'thumbnails', thumb(1)),
    path.join(thumbs, thumb(41)),
    path.join(stream, 'capture1', 'clips', 'incident_2_start.mp4'),
  ]);
  store.resolve(bad.id, Date.parse('2026-11-30T10:02:00Z'), 'cleared');
  reader = IncidentReader.openLive(path.join(dir, 'state'), 100);
  // The live monitor's own status model, fed as the monitor feeds it.
  const status = new MonitorStatus({ devices: ['capture1'], startedMs: Date.now(), stallAfterMs: 10_000 });
  monitorStatus = status;
  thumbsDir = thumbs;
  status.device('capture1').frameReceived(40, Date.now());
  status.device('capture1').frameAnalysed(false, { sequence: 40, black: false, frozen: false });
  const snapshot = () => status.snapshot(Date.now(), () => ({ dropped: 0, watcher: NO_FRAMES, queued: 0, behind: false, audioChecked: false, openEvents: [] }));
  const metrics = await MonitorMetrics.create({ snapshot, openIncidents: () => reader.openIncidents(), version: 'test' }, ['capture1']);
  metrics.observe({ event: 'frame', ts: '2026-11-30T10:03:00.000Z', device: 'capture1', sequence: 40, sampled: false, late: false, performance_ms: 3 });
  errors = [];
  ctx = { sources: { snapshot, incidents: reader }, reader, metrics, streamRoot: stream, devices: new Set(['capture1']) };
  const started = await startStatusServer({ host: '127.0.0.1', port: 0, loopback: true }, ctx, (m) => errors.push(m));
  if (!started.ok) throw new Error(started.reason);
  server = started.server;
});

afterAll(async () => {
  await server?.close();
  reader?.close();
  store?.close();
  await cleanup();
});

/** One raw request on its own socket: the bytes exactly as given (no client normalises the path). */
function raw(request: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let out = '';
    socket.on('data', (c) => (out += c.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
    socket.setTimeout(timeoutMs, () => reject(new Error(`no answer in ${timeoutMs} ms to ${JSON.stringify(request.slice(0, 60))}`)));
    socket.write(request);
  });
}
const get = (target: string) => raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
const status = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

describe('status server', () => {
  it('serves the page, the JSON, the metrics and the images the monitor resolved', async () => {
    const page = await get('/');
    expect(status(page)).toBe(200);
    expect(page).toContain('data-device="capture1"');
    expect(page).toContain('<meta name="viewport"');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/); // no outside assets
    const api = JSON.parse((await get('/api/status')).split('\r\n\r\n')[1]!) as { pid: number; devices: unknown[]; open_incidents: unknown[] };
    expect(api.pid).toBe(process.pid);
    expect(api.devices[0]).toMatchObject({ device: 'capture1', last_sequence: 40, frames_analysed: 1, thumbnail_url: '/img/device/capture1/40' });
    expect(api.open_incidents).toMatchObject([{ id: 1, device: 'capture1', type: 'freeze', event_start: '2026-11-30T10:00:00.000Z' }]);
    const incidents = JSON.parse((await get('/api/incidents')).split('\r\n\r\n')[1]!) as {
      open: { id: number; thumbnails: unknown[]; clips: unknown[] }[];
      resolved: unknown[];
    };
    expect(incidents.open[0]!.clips).toEqual([{ phase: 'start', url: '/clips/incident/1/start.mp4' }]);
    expect(incidents.open).toHaveLength(1);
    expect(incidents.open[0]!.thumbnails).toEqual([
      { sequence: 4, url: '/img/incident/1/0' },
      { sequence: 5, url: '/img/incident/1/1' },
    ]);
    expect(incidents.resolved).toHaveLength(1);
    for (const url of ['/img/device/capture1/latest', '/img/device/capture1/40', '/img/device/capture1/5', '/img/incident/1/0', '/img/incident/1/1']) {
      const r = await get(url);
      expect(status(r), url).toBe(200);
      expect(r).toMatch(/content-type: image\/jpeg/i);
    }
    const clip = await get('/clips/incident/1/start.mp4');
    expect(status(clip)).toBe(200);
    expect(clip).toMatch(/content-type: video\/mp4/i);
    expect(clip.endsWith('MP4-BYTES')).toBe(true);
    const icon = await get('/favicon.svg');
    expect(icon).toMatch(/content-type: image\/svg\+xml/i);
    expect(icon).toMatch(/<text [^>]*>1<\/text><\/svg>/);
    const metrics = await get('/metrics');
    expect(metrics).toContain('vpt_frames_analysed_total{device="capture1"} 1');
    expect(metrics).toContain('process_resident_memory_bytes');
    const head = await raw('HEAD /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(status(head)).toBe(200);
    expect(head.split('\r\n\r\n')[1]).toBe('');
  });

  it('never serves anything outside what the page shows: traversal, encoded dots, absolute paths, NUL, symlinks out', async () => {
    const attempts = [
      '/..',
      '/../secret.txt',
      '/img/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/img/device/%2e%2e/latest',
      '/img/device/..%2f..%2fsecret.txt/latest',
      '/img/device/capture1/../../secret.txt',
      '/etc/passwd',
      '//etc/passwd',
      `/${path.join(dir, 'secret.txt')}`,
      'http://x/etc/passwd',
      '/img/device/capture1%00/latest',
      '/img/device/capture2/latest',
      '/img/incident/2/0',
      '/img/incident/2/1',
      '/img/incident/1/2',
      '/img/incident/999/0',
      '/img/incident/-1/0',
      '/img/incident/1/0/..',
      // A frame the monitor has not seen yet (41 is also a symlink out), and clips it did not record or that lead out.
      '/img/device/capture1/41',
      '/img/device/capture1/0000000041',
      '/clips/incident/1/end.mp4',
      '/clips/incident/2/start.mp4',
      '/clips/incident/1/../start.mp4',
      '/clips/incident/1/start.mp4/..',
      '/stream/capture1/thumbnails/capture_000000004_thumbnail.jpg',
      '/api/status/../../secret.txt',
      '/metrics/..',
    ];
    for (const target of attempts) {
      const r = await get(target);
      expect([400, 404], target).toContain(status(r));
      expect(r, target).not.toContain(SECRET);
    }
    // A NUL byte in the request line is not HTTP: answered 400 or closed, never served.
    const nul = await raw('GET /img/device/capture1\u0000/latest HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(nul === '' || status(nul) === 400, nul).toBe(true);
    expect(errors).toEqual([]);
  });

  it(`at most ${MAX_CLIPS_IN_FLIGHT} clips are held in memory for sending at once; beyond, 503 until one is sent`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CLIPS_IN_FLIGHT }, () => route('/clips/incident/1/start.mp4', ctx)));
    expect(held.map((r) => r.status)).toEqual(Array(MAX_CLIPS_IN_FLIGHT).fill(200));
    const busy = await route('/clips/incident/1/start.mp4', ctx);
    expect(busy).toMatchObject({ status: 503, headers: { 'retry-after': '2' } });
    held[0]!.release!();
    held[0]!.release!(); // twice (finish and close): counted once
    const next = await route('/clips/incident/1/start.mp4', ctx);
    expect(next.status).toBe(200);
    expect((await route('/clips/incident/1/start.mp4', ctx)).status).toBe(503);
    for (const r of [...held.slice(1), next]) r.release!();
    // Over a real socket, each response frees its place once sent.
    for (let i = 0; i < MAX_CLIPS_IN_FLIGHT * 3; i++) expect(status(await get('/clips/incident/1/start.mp4'))).toBe(200);
  });

  it('only GET and HEAD; long URLs and huge headers are refused', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']) {
      const r = await raw(`${method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect(status(r), method).toBe(405);
      expect(r).toMatch(/allow: GET, HEAD/i);
    }
    expect(status(await get(`/${'a'.repeat(MAX_URL_BYTES)}`))).toBe(414);
    const huge = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(MAX_HEADER_BYTES * 8)}\r\n\r\n`);
    expect(huge === '' || status(huge) === 431, huge.slice(0, 60)).toBe(true);
  });

  it('idle and slow (slowloris) connections are closed by the server within the header timeout', async () => {
    const started = Date.now();
    const idle = raw('');
    const slow = new Promise<number>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1');
      s.write('GET / HTTP/1.1\r\n');
      const drip = setInterval(() => s.writable && s.write('X-A: b\r\n'), 500);
      s.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - started);
      });
      s.on('error', () => undefined);
    });
    await idle;
    const slowMs = await slow;
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(slowMs).toBeLessThan(9_000);
  }, 20_000);

  it(`1,000 requests in a burst: each answered or closed, never hung; beyond ${MAX_CONNECTIONS} at once some are refused`, async () => {
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const one = () =>
      new Promise<number>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/status', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', () => resolve(-1)); // closed at accept: over the connection cap
        req.setTimeout(15_000, () => req.destroy(new Error('hung')));
      });
    const results = await Promise.all(Array.from({ length: 1_000 }, one));
    const answered = results.filter((s) => s === 200).length;
    const closed = results.filter((s) => s === -1).length;
    expect(answered + closed).toBe(1_000);
    expect(answered).toBeGreaterThanOrEqual(MAX_CONNECTIONS);
    agent.destroy();
    // And the server still answers afterwards.
    expect(status(await get('/api/status'))).toBe(200);
  }, 30_000);

  it('the picture beside the badges is the analysed frame the badges belong to, not the newest received one', async () => {
    const analysed = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#000000' } })
      .jpeg()
      .toBuffer();
    await writeFile(path.join(thumbsDir, thumb(42)), analysed);
    // Frame 43 has arrived (its picture moving) while frame 42, black, is the newest analysed.
    await writeFile(
      path.join(thumbsDir, thumb(43)),
      await sharp({ create: { width: 320, height: 180, channels: 3, background: '#ffffff' } })
        .jpeg()
        .toBuffer(),
    );
    monitorStatus.device('capture1').frameReceived(43, Date.now());
    monitorStatus.device('capture1').frameAnalysed(false, { sequence: 42, black: true, frozen: false });
    const api = JSON.parse((await get('/api/status')).split('\r\n\r\n')[1]!) as { devices: Record<string, unknown>[] };
    expect(api.devices[0]).toMatchObject({
      last_sequence: 43,
      analysed_sequence: 42,
      states: { black: true, frozen: false },
      thumbnail_url: '/img/device/capture1/42',
    });
    for (const url of ['/img/device/capture1/42', '/img/device/capture1/latest']) {
      expect(Buffer.from((await get(url)).split('\r\n\r\n')[1]!, 'latin1').equals(analysed), url).toBe(true);
    }
    // An older verdict arriving late (a reused analysis) never replaces the newer one.
    monitorStatus.device('capture1').frameAnalysed(false, { sequence: 41, black: false, frozen: true });
    expect(JSON.parse((await get('/api/status')).split('\r\n\r\n')[1]!).devices[0]).toMatchObject({ analysed_sequence: 42, states: { black: true } });
  });

  it('a port already in use is a result, not an exception', async () => {
    const again = await startStatusServer(
      { host: '127.0.0.1', port: server.port, loopback: true },
      { sources: undefined as never, reader, metrics: undefined as never, streamRoot: dir, devices: new Set() },
      () => undefined,
    );
    expect(again).toEqual({ ok: false, reason: 'the port is in use' });
  });
});

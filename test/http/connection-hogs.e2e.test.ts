import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS_PER_CLIENT } from '../../src/core/http/connection-guard.js';
import { freePort } from '../../src/core/http/free-port.js';
import { MAX_CONNECTIONS } from '../../src/core/http/status-server.js';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * One client hogging the monitor's page (issue 27 item 8: idle sockets;
 * issue 29 item 13: slowloris) while another uses it, on the real binary.
 * The hog connects from 127.0.0.2 (any 127/8 address is loopback on Linux),
 * the normal client from 127.0.0.1, and every hog socket that is closed is
 * opened again at once, so the pressure never lets up.
 */
let root: string;
let cleanup: () => Promise<void>;
let monitor: MonitorProcess;
let port: number;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-http-hogs-'));
  await mkdir(path.join(root, 'stream', 'capture1', 'captures'), { recursive: true });
  await mkdir(path.join(root, 'state'));
  port = await freePort();
  monitor = startMonitor(
    [
      '--stream-root',
      path.join(root, 'stream'),
      '--state-dir',
      path.join(root, 'state'),
      '--devices',
      'capture1',
      '--no-audio',
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { TMPDIR: root },
  );
  await monitor.waitForEvent((e) => e.event === 'memory', 'the monitor running');
  expect(await get()).toBe(200);
}, 60_000);

afterEach(async () => {
  monitor.child.kill('SIGTERM');
  await monitor.child;
  await cleanup();
});

/** One GET over a fresh connection from 127.0.0.1: its status, -1 when refused or reset, -2 when not answered in 10 s. */
function get(): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/status', agent: false, localAddress: '127.0.0.1' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.setTimeout(10_000, () => {
      req.destroy();
      resolve(-2);
    });
  });
}

/** `count` sockets from 127.0.0.2, each reopened when the server closes it; `speak` is what each does once connected. */
function hog(count: number, speak: (socket: net.Socket) => () => void): () => void {
  let stopped = false;
  const sockets = new Set<net.Socket>();
  const open = () => {
    if (stopped) return;
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    sockets.add(socket);
    let quiet = () => undefined as void;
    socket.on('connect', () => (quiet = speak(socket)));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      quiet();
      sockets.delete(socket);
      setTimeout(open, 20);
    });
  };
  for (let i = 0; i < count; i++) open();
  return () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
}

async function normalClient(requests: number): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < requests; i++) {
    results.push(await get());
    await new Promise((r) => setTimeout(r, 50));
  }
  return results;
}

describe('the page stays reachable while another client hogs connections', () => {
  it(`${MAX_CONNECTIONS} idle sockets (nothing sent): every request of a normal client is answered; the refusal is said once`, async () => {
    const stop = hog(MAX_CONNECTIONS, () => () => undefined);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const results = await normalClient(20);
      expect(results.filter((s) => s === 200)).toHaveLength(20);
    } finally {
      stop();
    }
    const said = await monitor.waitForStderr(
      /^warning: http: refusing connections from 127\.0\.0\.2: it holds \d+ connections \(the most one client may\)/,
      10_000,
    );
    expect(said).toMatch(new RegExp(`holds ${MAX_CONNECTIONS_PER_CLIENT} connections`));
    expect(monitor.stderr.filter((l) => /http: refusing connections/.test(l))).toHaveLength(1);
    await monitor.waitForStderr(/^warning: http: connections accepted again \(\d+ refused\)$/, 10_000);
  }, 60_000);

  it('64 sockets trickling headers (slowloris): every request of a normal client is answered', async () => {
    const stop = hog(64, (socket) => {
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: y\r\n'), 300);
      return () => clearInterval(drip);
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const results = await normalClient(40);
      expect(results.filter((s) => s === 200)).toHaveLength(40);
    } finally {
      stop();
    }
  }, 90_000);
});

import { execa, type ResultPromise } from 'execa';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HTTP_POST_BODY_LIMIT_BYTES, httpPost, splitCredentials } from '../../src/core/webhook/http-post.js';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A real server on 127.0.0.1 whose handler the test writes; every socket is destroyed on close. */
async function server(handler: http.RequestListener): Promise<string> {
  const srv = http.createServer(handler);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    srv.closeAllConnections();
    return new Promise((resolve) => srv.close(resolve));
  });
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
}

describe('httpPost: a deadline the garbage collector cannot take (issue 16, item 8)', () => {
  it('a hanging endpoint times out under forced GC and the delivery is retried once it recovers', async () => {
    const endpoint = new WebhookReceiver((_, n) => (n === 1 ? 'hang' : 200));
    await endpoint.up();
    closers.push(() => endpoint.down());
    const { dir, cleanup } = await makeTempDir('vpt-http-post-gc-');
    closers.push(cleanup);
    const child: ResultPromise = execa(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'vite-node'),
      [path.join(REPO_ROOT, 'test/helpers/children/webhook-sender-gc.ts'), dir, endpoint.url, '1000'],
      { reject: false, cwd: REPO_ROOT, stdin: 'ignore', env: { NODE_OPTIONS: '--expose-gc' } },
    );
    closers.push(async () => {
      child.kill('SIGKILL');
      await child;
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await vi.waitFor(() => expect(out).toMatch(/^ready 1$/m), { timeout: 30_000, interval: 100 });
    // The first request hangs: it must end after 1 s, not never, and a retry gets the 200.
    await vi.waitFor(() => expect(endpoint.deliveredKeys()).toEqual(new Set(['1:incident_opened'])), { timeout: 30_000, interval: 100 });
    expect(endpoint.requests).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(out).toMatch(/"delivered":1,"failures":[1-9]/), { timeout: 10_000, interval: 100 });
  }, 90_000);

  it('says "no answer in time" for an endpoint that never answers', async () => {
    const url = await server(() => undefined);
    const started = Date.now();
    const result = await httpPost({ url, body: '{}', timeoutMs: 300 });
    expect(result).toEqual({ kind: 'error', error: 'no answer in time', timedOut: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('httpPost: a bounded response body (issue 16, item 9)', () => {
  it('reads at most HTTP_POST_BODY_LIMIT_BYTES of a body that never ends, judges the status, drops the connection', async () => {
    let closed = 0;
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const url = await server((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => closed++);
      pump();
    });
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 5; i++) {
      const result = await httpPost({ url, body: '{}', timeoutMs: 5_000 });
      expect(result).toMatchObject({ kind: 'response', status: 200, ok: true, bodyTruncated: true });
      expect(result.kind === 'response' && result.body.length).toBe(HTTP_POST_BODY_LIMIT_BYTES);
    }
    await vi.waitFor(() => expect(closed).toBe(5), { timeout: 5_000, interval: 20 });
    // Each request stopped after the limit (plus socket buffers), not after gigabytes.
    expect(sent).toBeLessThan(5 * 16 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a body that trickles past the deadline still leaves the answer judged by its status', async () => {
    const url = await server((req, res) => {
      req.resume();
      res.writeHead(503);
      res.write('busy');
      // ...and never ends.
    });
    const result = await httpPost({ url, body: '{}', timeoutMs: 300 });
    expect(result).toMatchObject({ kind: 'response', status: 503, ok: false, body: 'busy', bodyTruncated: true });
  });

  it('a short body is read whole', async () => {
    const url = await server((req, res) => {
      req.resume();
      res.writeHead(202).end('accepted');
    });
    expect(await httpPost({ url, body: '{}' })).toEqual({ kind: 'response', status: 202, ok: true, body: 'accepted', bodyTruncated: false });
  });
});

describe('httpPost: credentials in the URL (issue 16, item 10)', () => {
  it('sends userinfo as a Basic Authorization header and never in the URL', async () => {
    const seen: { authorization?: string; url?: string }[] = [];
    const url = await server((req, res) => {
      seen.push({ authorization: req.headers.authorization, url: req.url });
      req.resume();
      res.writeHead(204).end();
    });
    const withSecret = url.replace('http://', 'http://farm%40ops:s3cr%3At@');
    expect(await httpPost({ url: withSecret, body: '{}' })).toMatchObject({ kind: 'response', status: 204 });
    expect(seen).toEqual([{ authorization: `Basic ${Buffer.from('farm@ops:s3cr:t').toString('base64')}`, url: '/hook' }]);
  });

  it('leaves a URL without userinfo alone', () => {
    expect(splitCredentials('https://example.org/hook?x=1')).toEqual({ url: new URL('https://example.org/hook?x=1') });
  });
});

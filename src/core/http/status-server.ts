import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionGuard } from './connection-guard.js';
import type { ListenAddress } from './listen-address.js';
import { route, type Reply, type RouteContext } from './status-routes.js';

/** Connections at once; beyond, new sockets are closed at accept (a page and a scraper need a handful). */
export const MAX_CONNECTIONS = 32;
/** Request line + headers, bytes (node answers 431 beyond). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** The longest URL we answer (414 beyond); ours are under 100 characters. */
export const MAX_URL_BYTES = 1024;
/**
 * Headers must be complete this soon after the connection opens: a socket
 * that sends nothing, or trickles its headers (slowloris), frees its slot by
 * then. A client's headers take milliseconds; 32 idle sockets held every
 * slot for ~6 s at 5 s.
 */
const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often node looks for connections past those timeouts (its default, 30 s, lets idle sockets linger); at most 32 to look at. */
const CONNECTIONS_CHECK_MS = 500;
/** A socket that says nothing this long is closed. */
const SOCKET_IDLE_MS = 15_000;
const MAX_REQUESTS_PER_SOCKET = 100;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
};

export interface StatusServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type StartResult = { ok: true; server: StatusServer } | { ok: false; reason: string };

/**
 * The monitor's HTTP side: node's own http, read-only routes, every
 * resource bounded. Failing to listen (port in use, no permission) is a
 * result, not an exception: the monitor goes on without HTTP.
 */
export async function startStatusServer(listen: ListenAddress, ctx: RouteContext, onError: (message: string) => void): Promise<StartResult> {
  const server = http.createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
    },
    (req, res) => void handle(req, res, ctx, onError),
  );
  server.maxConnections = MAX_CONNECTIONS;
  new ConnectionGuard(MAX_CONNECTIONS, onError).attach(server);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  server.setTimeout(SOCKET_IDLE_MS, (socket) => socket.destroy());
  // Malformed, oversized or too slow: one short answer, then the socket is gone (not half-closed, not kept).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    if (socket.writable && !socket.writableEnded) socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
    else socket.destroy();
  });
  const listening = await new Promise<{ ok: true } | { ok: false; reason: string }>((resolve) => {
    const fail = (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, reason: err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'no permission for the port' : err.message });
    server.once('error', fail);
    server.listen({ host: listen.host, port: listen.port }, () => {
      server.removeListener('error', fail);
      resolve({ ok: true });
    });
  });
  if (!listening.ok) return listening;
  server.on('error', (err) => onError(`http: ${err.message}`));
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    ok: true,
    server: {
      url: `http://${host}:${port}/`,
      port,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    },
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext, onError: (message: string) => void): Promise<void> {
  const head = req.method === 'HEAD';
  let reply: Reply;
  const raw = req.url ?? '/';
  if (req.method !== 'GET' && !head) reply = { status: 405, type: 'text/plain; charset=utf-8', body: 'only GET and HEAD\n', headers: { allow: 'GET, HEAD' } };
  else if (raw.length > MAX_URL_BYTES) reply = { status: 414, type: 'text/plain; charset=utf-8', body: 'URL too long\n' };
  else if (!raw.startsWith('/')) reply = { status: 400, type: 'text/plain; charset=utf-8', body: 'bad request\n' };
  else {
    // The path as sent, never percent-decoded: "%2e%2e" stays literal and matches no route.
    const pathname = raw.split('?', 1)[0]!;
    try {
      reply = await route(pathname, ctx);
    } catch (err) {
      onError(`http: ${req.method} ${pathname.slice(0, 80)}: ${err instanceof Error ? err.message : String(err)}`);
      reply = { status: 500, type: 'text/plain; charset=utf-8', body: 'internal error\n' };
    }
  }
  // A request body is never read: close the connection after an error rather than drain it.
  const close = reply.status >= 400 ? { connection: 'close' } : {};
  res.writeHead(reply.status, {
    'content-type': reply.type,
    'content-length': Buffer.byteLength(reply.body),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...reply.headers,
    ...close,
  });
  if (reply.release) res.once('close', reply.release);
  res.end(head ? undefined : reply.body);
}

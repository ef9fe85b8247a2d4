import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: Record<string, unknown>;
  delivery: string | undefined;
  authorization: string | undefined;
  /** The request's path and query, as the endpoint saw it. */
  path: string | undefined;
  status: number;
}

/**
 * A real HTTP endpoint on 127.0.0.1 for webhook tests. `respond` decides each
 * request's status (or 'hang' to never answer); `down()` closes the port and
 * `up()` reopens the same one, as an endpoint that restarts.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  requests = 0;
  port = 0;
  private server: http.Server | undefined;
  private readonly hung: http.ServerResponse[] = [];

  constructor(private respond: (body: Record<string, unknown>, n: number) => number | 'hang' = () => 200) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  setResponder(respond: (body: Record<string, unknown>, n: number) => number | 'hang'): void {
    this.respond = respond;
  }

  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const n = ++this.requests;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const status = this.respond(body, n);
        if (status === 'hang') {
          this.hung.push(res);
          return;
        }
        this.received.push({
          body,
          delivery: req.headers['x-vpt-delivery'] as string | undefined,
          authorization: req.headers.authorization,
          path: req.url,
          status,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'fail');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const res of this.hung.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Successful deliveries as `<id>:<event>` keys. */
  deliveredKeys(): Set<string> {
    return new Set(this.received.filter((r) => r.status < 300).map((r) => `${String(r.body.id)}:${String(r.body.event)}`));
  }
}

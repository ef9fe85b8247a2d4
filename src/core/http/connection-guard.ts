import type http from 'node:http';
import type net from 'node:net';

/**
 * Connections one client address may hold at once; beyond, its new sockets
 * are closed at accept. A browser opens at most 6 per host, a scraper 1; 64
 * sockets trickling headers from one address left 6 of 40 normal requests
 * answered when they could take all MAX_CONNECTIONS slots.
 */
export const MAX_CONNECTIONS_PER_CLIENT = 8;

/**
 * The per-client bound, and the one line that says connections are refused
 * (at the process-wide maxConnections, or the per-client bound): said when
 * the first is refused, then once more when the server has no connection left
 * (the episode is over) with how many were refused. The map holds one entry
 * per address with an open connection: at most maxConnections entries.
 */
export class ConnectionGuard {
  private readonly perClient = new Map<string, number>();
  private open = 0;
  private refused = 0;

  constructor(
    private readonly maxConnections: number,
    private readonly say: (line: string) => void,
  ) {}

  attach(server: http.Server): void {
    server.on('connection', (socket: net.Socket) => this.admit(socket));
    // Node closes a socket over server.maxConnections before 'connection', and says so with 'drop'.
    server.on('drop', (data?: { remoteAddress?: string }) =>
      this.refuse(data?.remoteAddress, `${this.maxConnections} connections are open (the most at once)`),
    );
  }

  private admit(socket: net.Socket): void {
    const client = socket.remoteAddress ?? 'unknown';
    const held = this.perClient.get(client) ?? 0;
    if (held >= MAX_CONNECTIONS_PER_CLIENT) {
      socket.destroy();
      this.refuse(client, `it holds ${held} connections (the most one client may)`);
      return;
    }
    this.perClient.set(client, held + 1);
    this.open++;
    socket.once('close', () => {
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
      this.open--;
      if (this.open === 0 && this.refused > 0) {
        this.say(`http: connections accepted again (${this.refused} refused)`);
        this.refused = 0;
      }
    });
  }

  private refuse(client: string | undefined, why: string): void {
    if (this.refused++ === 0) this.say(`http: refusing connections from ${client ?? 'a client'}: ${why}; said once until the server is idle again`);
  }
}

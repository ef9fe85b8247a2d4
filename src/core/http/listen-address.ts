import net from 'node:net';
import { UsageError } from '../errors.js';

/** `--listen` default: loopback only, so a fresh install shows nothing to the network. */
export const DEFAULT_LISTEN = '127.0.0.1:9842';

export interface ListenAddress {
  host: string;
  /** 0: any free port (--demo). */
  port: number;
  /** 127.0.0.0/8 or ::1: no warning about the page having no authentication. */
  loopback: boolean;
}

/**
 * `--listen ADDR:PORT` (`[::1]:9842` for IPv6), or `off`. Only IP literals
 * and `localhost`: a name that resolves to several addresses would make
 * "which interfaces does the page listen on" a DNS question.
 */
export function parseListenAddress(value: string): ListenAddress | undefined {
  if (value === 'off') return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || !(port >= 0 && port <= 65_535)) {
    throw new UsageError(`--listen: "${value}" is not ADDRESS:PORT (e.g. 127.0.0.1:9842, 0.0.0.0:9842, [::1]:9842) or off`);
  }
  if (host !== 'localhost' && net.isIP(host) === 0) {
    throw new UsageError(`--listen: "${host}" is not an IP address; give one such as 127.0.0.1 or 0.0.0.0`);
  }
  return { host, port, loopback: isLoopback(host) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How a URL names the listener: IPv6 in brackets; the any-address becomes this host's name for links sent elsewhere. */
export function urlHost(host: string, hostname: string): string {
  if (host === '0.0.0.0' || host === '::') return hostname;
  return net.isIPv6(host) ? `[${host}]` : host;
}

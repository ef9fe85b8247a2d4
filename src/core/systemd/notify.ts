import type { Logger } from '../logger.js';
import type { StatusSnapshot } from '../status/status-snapshot.js';
import { runProgram } from '../process/process-runner.js';

/**
 * sd_notify for the monitor under `Type=notify` (monitor-unit.ts): READY=1
 * once watching, WATCHDOG=1 with a STATUS= line from the event loop at half
 * the unit's WatchdogSec (so a hung loop misses two pings and systemd
 * restarts it), STOPPING=1 on shutdown. Without NOTIFY_SOCKET nothing runs.
 *
 * Node has no unix datagram socket: the messages go through `systemd-notify`
 * (execa, argument array, timeout), which is why the unit says
 * NotifyAccess=all (they come from a child); systemd-notify since 246 waits
 * on a barrier until systemd has read each message, so the child is still
 * there to be attributed. Cost: 2.6 ms of our CPU and 6 ms of wall time per
 * message (`node bench/notify.bench.mjs`), 0.02% of a core at one ping per
 * 15 s. The alternative, node-unix-socket (N-API), sent a datagram for
 * 14 µs when tried, but its arm64 and armhf binaries, the farm's hosts, are
 * not in the npm registry (404): on a Pi it could not load at all.
 */

/** A notification that has not gone out in this long is abandoned (the next ping tries again). */
export const NOTIFY_TIMEOUT_MS = 5_000;
/** Pings go out at this fraction of WatchdogSec: two can be missed before systemd acts. */
export const WATCHDOG_PING_FRACTION = 0.5;
/** STATUS= is cut here: systemd shows one line of it in `systemctl status`. */
export const MAX_STATUS_CHARS = 200;

type Send = (message: string) => Promise<void>;

export interface NotifyEnv {
  NOTIFY_SOCKET?: string;
  WATCHDOG_USEC?: string;
  WATCHDOG_PID?: string;
}

export interface ServiceNotifierOptions {
  env: NotifyEnv;
  logger: Logger;
  /** The STATUS= text sent with each ping (frames/s, open incidents). */
  status: () => string;
  pid?: number;
}

/** The watchdog interval systemd asked for, in ms, or undefined when it is off or meant for another process. */
export function watchdogIntervalMs(env: NotifyEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor((usec / 1000) * WATCHDOG_PING_FRACTION));
}

/** The STATUS= line: what `systemctl status vpt-monitor` shows. */
export function serviceStatusLine(snapshot: Pick<StatusSnapshot, 'devices'>): string {
  const fps = snapshot.devices.reduce((sum, d) => sum + d.fps, 0);
  const open = snapshot.devices.reduce((sum, d) => sum + d.open_events.filter((e) => e.incident_id !== null).length, 0);
  return `${snapshot.devices.length} devices, ${fps.toFixed(1)} frames/s analysed, ${open} open incidents`;
}

/** The service side of sd_notify; `undefined` from start() when not run by systemd with Type=notify. */
export class ServiceNotifier {
  private timer: NodeJS.Timeout | undefined;
  private failedOnce = false;

  /** A ping still on its way: the next is skipped rather than queued (systemd-notify has its timeout). */
  private pinging = false;

  private constructor(
    private readonly send: Send,
    private readonly options: ServiceNotifierOptions,
  ) {}

  /** Open the socket and say READY=1; then ping every half watchdog interval. */
  static async start(options: ServiceNotifierOptions): Promise<ServiceNotifier | undefined> {
    const socket = options.env.NOTIFY_SOCKET;
    if (!socket) return undefined;
    const notifier = new ServiceNotifier(systemdNotify(socket), options);
    await notifier.notify(`READY=1\nSTATUS=${notifier.statusLine()}`);
    const interval = watchdogIntervalMs(options.env, options.pid ?? process.pid);
    if (interval !== undefined) {
      notifier.timer = setInterval(() => void notifier.ping(), interval);
      notifier.timer.unref();
      options.logger.info(`systemd watchdog: pinging every ${interval} ms`);
    }
    return notifier;
  }

  /** Shutdown begins: no more pings, systemd is told. */
  async stopping(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.notify('STOPPING=1');
  }

  private async ping(): Promise<void> {
    if (this.pinging) return;
    this.pinging = true;
    try {
      await this.notify(`WATCHDOG=1\nSTATUS=${this.statusLine()}`);
    } finally {
      this.pinging = false;
    }
  }

  private statusLine(): string {
    return this.options.status().replace(/\n/g, ' ').slice(0, MAX_STATUS_CHARS);
  }

  private async notify(message: string): Promise<void> {
    try {
      await this.send(message);
    } catch (err) {
      // Said once: a lost ping is retried by the next; systemd acts on the lasting silence.
      if (!this.failedOnce) this.options.logger.warn(`systemd notify failed: ${err instanceof Error ? err.message : String(err)}`);
      this.failedOnce = true;
    }
  }
}

/** One systemd-notify run per message; its assignments are sent as one datagram. */
function systemdNotify(socket: string): Send {
  return async (message) => {
    const result = await runProgram('systemd-notify', message.split('\n'), { timeoutMs: NOTIFY_TIMEOUT_MS, env: { NOTIFY_SOCKET: socket } });
    if (result.exitCode !== 0) throw new Error(`systemd-notify exited ${result.exitCode ?? result.signal}: ${result.stderr.trim()}`);
  };
}

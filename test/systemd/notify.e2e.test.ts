import { execa } from 'execa';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ServiceNotifier, serviceStatusLine, watchdogIntervalMs } from '../../src/core/systemd/notify.js';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const RECEIVER = path.join(import.meta.dirname, '..', 'helpers', 'children', 'notify-receiver.py');
/** WATCHDOG_USEC the test hands the monitor: pings every 500 ms. */
const WATCHDOG_USEC = 1_000_000;

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-notify-')));
afterAll(async () => cleanup());

/** python3's receiver on a socket in the temp folder: systemd's side of sd_notify, made by the test. */
async function startReceiver(name: string) {
  const socket = path.join(root, name);
  const child = execa('python3', [RECEIVER, socket], { reject: false, buffer: false, stdin: 'ignore' });
  const messages: { at: number; message: string }[] = [];
  let bound!: () => void;
  const ready = new Promise<void>((resolve) => (bound = resolve));
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    rest += chunk.toString();
    const lines = rest.split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as { bound?: string; at: number; message: string };
      if (parsed.bound) bound();
      else messages.push(parsed);
    }
  });
  await ready;
  return { socket, child, messages };
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sd_notify for the monitor', () => {
  it('the watchdog interval is half of WATCHDOG_USEC, and only for the pid it names', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'nonsense' }, 42)).toBeUndefined();
  });

  it('without NOTIFY_SOCKET nothing is opened or sent', async () => {
    const logged: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => logged.push(l) });
    expect(await ServiceNotifier.start({ env: { WATCHDOG_USEC: '1000000' }, logger, status: () => 'x' })).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it('STATUS= says frames/s and open incidents', () => {
    const device = (fps: number, incidents: (number | null)[]) => ({
      fps,
      open_events: incidents.map((id) => ({ type: 'freeze' as const, started_at: '', incident_id: id })),
    });
    expect(serviceStatusLine({ devices: [device(5, [3, null]), device(4.5, [])] } as never)).toBe('2 devices, 9.5 frames/s analysed, 1 open incidents');
  });

  it('the real monitor says READY=1, pings WATCHDOG=1 with STATUS=, goes silent when SIGSTOPped and says STOPPING=1 on SIGTERM', async () => {
    const receiver = await startReceiver('notify.sock');
    const stream = path.join(root, 'stream');
    const state = path.join(root, 'state');
    await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
    await mkdir(state, { recursive: true });
    const m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio'], {
      TMPDIR: root,
      NOTIFY_SOCKET: receiver.socket,
      WATCHDOG_USEC: String(WATCHDOG_USEC),
    });
    try {
      const texts = () => receiver.messages.map((m) => m.message);
      await until(() => texts().some((t) => t.startsWith('READY=1')), 'READY=1');
      // READY=1 comes once the captures are watched.
      expect(m.stderr.some((l) => l.includes('monitoring capture1'))).toBe(true);
      await until(() => texts().filter((t) => t.startsWith('WATCHDOG=1')).length >= 3, 'three WATCHDOG=1');
      const ping = texts().find((t) => t.startsWith('WATCHDOG=1'))!;
      expect(ping).toMatch(/^WATCHDOG=1\nSTATUS=1 devices, \d+\.\d frames\/s analysed, \d+ open incidents$/);

      process.kill(m.pid, 'SIGSTOP');
      // A ping already on its way may still land; after that, silence for four ping intervals.
      await new Promise((r) => setTimeout(r, 300));
      const stoppedAt = receiver.messages.length;
      await new Promise((r) => setTimeout(r, 2_000));
      expect(receiver.messages.length).toBe(stoppedAt);
      process.kill(m.pid, 'SIGCONT');
      await until(() => receiver.messages.length > stoppedAt, 'pings again after SIGCONT');

      m.child.kill('SIGTERM');
      expect((await m.child).exitCode).toBe(0);
      await until(() => texts().includes('STOPPING=1'), 'STOPPING=1', 5_000);
    } finally {
      if (m.child.exitCode === null) m.child.kill('SIGKILL');
      await m.child;
      receiver.child.kill('SIGTERM');
      await receiver.child;
    }
  }, 90_000);
});

// Issue 21: what one sd_notify message costs the monitor through `systemd-notify` run by execa (the
// way src/core/systemd/notify.ts sends READY=1, WATCHDOG=1 + STATUS= and STOPPING=1): this process's
// CPU (user+sys) and wall time per message, median of rounds, to a python3 datagram receiver on a
// temp socket standing in for systemd. The monitor sends one every WatchdogSec / 2 (15 s).
// Usage: node bench/notify.bench.mjs [messages per round] (default 30; npm run bench -- notify)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, median } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { runProgram } = await import(path.join(ROOT, 'dist', 'core', 'process', 'process-runner.js'));
const RECEIVER = path.join(ROOT, 'test', 'helpers', 'children', 'notify-receiver.py');
const MESSAGES = Number(process.argv[2] ?? 30);
const ROUNDS = 5;

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpt-bench-notify-'));
const socket = path.join(dir, 'notify.sock');
const receiver = spawn('python3', [RECEIVER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
let received = 0;
await new Promise((resolve) => receiver.stdout.once('data', resolve));
receiver.stdout.on('data', (chunk) => (received += String(chunk).split('\n').filter(Boolean).length));
try {
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const cpu = [];
  const wall = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const c0 = cpuUs();
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const result = await runProgram('systemd-notify', ['WATCHDOG=1', 'STATUS=2 devices, 10.0 frames/s analysed, 0 open incidents'], {
        env: { NOTIFY_SOCKET: socket },
      });
      if (result.exitCode !== 0) throw new Error(`systemd-notify exited ${result.exitCode}: ${result.stderr}`);
    }
    if (r === 0) continue; // the first round loads execa
    cpu.push((cpuUs() - c0) / 1000 / MESSAGES);
    wall.push((performance.now() - t0) / MESSAGES);
  }
  await new Promise((r) => setTimeout(r, 200));
  if (received < MESSAGES * ROUNDS) throw new Error(`the receiver got ${received} of ${MESSAGES * (ROUNDS + 1)} messages`);
  figure('sd_notify via systemd-notify', median(cpu), 'ms CPU/message', undefined, `median of ${ROUNDS} rounds of ${MESSAGES}`);
  figure('sd_notify via systemd-notify', median(wall), 'ms wall/message');
  figure('sd_notify share of a core', (median(cpu) / 15_000) * 100, '% at one ping per 15 s');
} finally {
  receiver.kill();
  rmSync(dir, { recursive: true, force: true });
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Node's timers hold at most 2^31-1 ms: `--heartbeat 30d` once printed
 * TimeoutOverflowWarning and then a heartbeat every millisecond. Each span
 * has a floor and a ceiling (the settings table), and a period longer than a
 * timer can hold is waited in steps.
 */
let root: string;
let cleanup: () => Promise<void>;
let stream: string;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-long-intervals-'));
  stream = path.join(root, 'stream');
  await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
});
afterAll(async () => cleanup());

/** Whole seconds of a running monitor: old code printed thousands of the repeated event in this time. */
const RUN_MS = 2_500;

describe('interval flags longer than a Node timer (real binary)', () => {
  it.each([
    ['--heartbeat', 'heartbeat', 0],
    ['--memory-log-interval', 'memory', 1], // the probe at start
    ['--sweep-interval', 'cache_sweep', 0],
  ])(
    '%s 30d: no TimeoutOverflowWarning, no repeated %s events',
    async (flag, event, expected) => {
      const state = path.join(root, `state${flag}`);
      const m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio', '--listen', 'off', flag, '30d'], {
        TMPDIR: root,
      });
      try {
        await m.waitForStderr(/^monitoring /);
        await new Promise((r) => setTimeout(r, RUN_MS));
      } finally {
        m.child.kill('SIGTERM');
        await m.child;
      }
      expect(m.stderr.join('\n')).not.toMatch(/TimeoutOverflowWarning/);
      expect(m.events.filter((e) => e.event === event)).toHaveLength(expected);
    },
    60_000,
  );

  it.each([
    [['--heartbeat', '0.0000001ms'], /^vpt: --heartbeat: "0.0000001ms" is shorter than its floor of 1s$/],
    [['--sweep-interval', '99999999999999999999h'], /^vpt: --sweep-interval: "99999999999999999999h" is longer than its ceiling of 365d$/],
    [['--min-event', '0.5ms'], /^vpt: --min-event: "0.5ms" is finer than a millisecond$/],
  ])('%j is refused with one line, exit 2', async (args, message) => {
    const run = await runVpt(['monitor', '--stream-root', stream, '--devices', 'capture1', ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
  });

  it.each(['"99999999999999999999h"', '"0.0000001ms"'])('vpt.toml heartbeat = %s is refused with one line naming the file, line and key', async (value) => {
    const config = path.join(root, 'bad.toml');
    await writeFile(config, `[monitor]\nheartbeat = ${value}\n`);
    const run = await runVpt(['monitor', '--check-config', '--config', config]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${config}:2: monitor.heartbeat: ${value} is`);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unitArgs } from '../../src/commands/monitor/unit-args.js';
import { makeTempDir, runVpt, VPT_BIN } from '../helpers/run-vpt.js';
import { realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-moncli-')));
afterEach(async () => cleanup());

describe('vpt monitor (binary)', () => {
  it("--print-unit prints the unit with the operator's non-default flags in ExecStart", async () => {
    const run = await runVpt([
      'monitor',
      '--print-unit',
      '--devices',
      'capture1,capture2',
      '--incident-delay',
      '45s',
      '--stream-root',
      '/srv/my stream',
      '--no-audio',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    const execStart = run.stdout.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(execStart).toBe(
      `ExecStart=${process.execPath} ${realpathSync(VPT_BIN)} monitor --devices capture1,capture2 --stream-root "/srv/my stream" --incident-delay 45s --no-audio`,
    );
    expect(run.stdout).toMatch(/^Restart=on-failure$/m);
    expect(run.stdout).toMatch(/^MemoryMax=300M$/m);
  });

  it.each([
    [['--devices', '../etc'], /invalid device name "\.\.\/etc"/],
    [['--stream-root', '/nonexistent/stream'], /stream root \/nonexistent\/stream does not exist: pass --stream-root/],
  ])('refuses %j with one line, exit 2, nothing written', async (args, message) => {
    const run = await runVpt(['monitor', '--state-dir', dir, ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('unitArgs', () => {
  it('leaves defaults out and writes spans and sizes the way the parser reads them', () => {
    expect(unitArgs({ streamRoot: '/var/www/html/stream', incidentDelay: 30_000, queueLimit: 150, audio: true })).toEqual(['monitor']);
    expect(unitArgs({ incidentDelay: 90_000, sweepInterval: 1_800_000, memoryLogInterval: 1_500, memoryAlert: 512 * 1024 ** 2, macroblocks: true })).toEqual([
      'monitor',
      '--macroblocks',
      '--incident-delay',
      '90s',
      '--sweep-interval',
      '30min',
      '--memory-log-interval',
      '1500ms',
      '--memory-alert',
      '512M',
    ]);
  });

  it('keeps the output flags the operator gave (--json lines in the journal)', () => {
    expect(unitArgs({ devices: ['capture1'], json: true, quiet: true })).toEqual(['monitor', '--devices', 'capture1', '--json', '--quiet']);
    expect(unitArgs({ verbose: true, json: false })).toEqual(['monitor', '--verbose']);
  });
});

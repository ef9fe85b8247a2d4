import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { feedFrames, startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/** Tier 3: the config file through the real binary: --check-config, refusal before anything starts, SIGHUP reload. */

const GOOD = '[monitor]\nclear_time = "2s"\n\n[devices.capture1]\nfps = 2\nignore = [ { x = 1100, y = 20, w = 160, h = 60 } ]\n';
const BAD = '[monitor]\nclear_time = "2s"\n\n[devices.capture1]\nfps = "two"\n';

describe('vpt monitor with a config file', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  let state: string;
  let file: string;
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-config-e2e-');
    root = path.join(tmp.dir, 'stream');
    state = path.join(tmp.dir, 'state');
    file = path.join(tmp.dir, 'vpt.toml');
    await mkdir(root);
  });
  afterEach(() => tmp.cleanup());

  it('--check-config prints the effective settings per device; flags beat the file', async () => {
    await writeFile(file, GOOD);
    const run = await runVpt(['monitor', '--check-config', '--config', file, '--clear-time', '3s', '--json']);
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as { file: string; devices: Record<string, { fps?: number; clear_time_ms: number; masks: unknown[] }> };
    expect(out.file).toBe(file);
    expect(out.devices.capture1).toMatchObject({ fps: 2, clear_time_ms: 3000, masks: [{ x: 1100, y: 20, w: 160, h: 60 }] });
    expect(out.devices['*']).toMatchObject({ clear_time_ms: 3000, masks: [] });
    // VPT_CONFIG names the file too; the human form has one line per device.
    const human = await runVpt(['monitor', '--check-config'], { env: { VPT_CONFIG: file } });
    expect(human.exitCode).toBe(0);
    expect(human.stdout.split('\n')).toEqual([
      `${file}: valid`,
      expect.stringMatching(/^capture1: fps 2, .*clear time 2\.0s, masks 160x60\+1100\+20, stall after \d+s$/),
      expect.stringMatching(/^\* \(any other device\): fps default/),
    ]);
  });

  it.each([['--check-config'], ['--replay'], ['--devices', 'capture1']])(
    'a bad file is refused with file:line (%s), exit 2, nothing started or written',
    async (...mode) => {
      await writeFile(file, BAD);
      await buildFixtureDevice(path.join(root, 'capture1'), [FIXTURE.frozen, FIXTURE.frozen]);
      const run = await runVpt(['monitor', ...mode, '--config', file, '--stream-root', root, '--state-dir', state, '--no-audio']);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe(`vpt: ${file}:5: devices.capture1.fps: Invalid input: expected number, received string\n`.trimEnd());
      expect(run.stdout).toBe('');
      await expect(access(state)).rejects.toThrow();
      await expect(access(path.join(root, 'capture1', 'metadata'))).rejects.toThrow();
    },
    120_000,
  );

  it('a named file that does not exist is refused', async () => {
    const run = await runVpt(['monitor', '--replay', '--config', path.join(tmp.dir, 'none.toml'), '--stream-root', root]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/none\.toml: cannot read the config file \(ENOENT\)/);
  });

  it('--print-unit has ExecReload and names the config file', async () => {
    const run = await runVpt(['monitor', '--print-unit', '--config', '/etc/vpt/vpt.toml']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(run.stdout).toMatch(/^ExecStart=.* monitor --config \/etc\/vpt\/vpt\.toml$/m);
  });

  it('SIGHUP reloads a good file (the next frames use it) and refuses a bad one in one line, old settings kept', async () => {
    await writeFile(file, '[monitor]\nfreeze_rule = "motion"\n');
    const device = path.join(root, 'capture1');
    const metadata = (seq: number) => path.join(device, 'metadata', `capture_${String(seq).padStart(9, '0')}.json`);
    const ruleOf = async (seq: number): Promise<string> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          return (JSON.parse(await readFile(metadata(seq), 'utf8')) as { freeze_rule: string }).freeze_rule;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    // Frames already on disk at start are stale to a live monitor: they are fed in after it starts.
    const source = path.join(tmp.dir, 'source');
    await buildFixtureDevice(source, [FIXTURE.nearA, FIXTURE.nearB, FIXTURE.nearA, FIXTURE.nearB, FIXTURE.nearA, FIXTURE.nearB, FIXTURE.nearA, FIXTURE.nearB]);
    const monitor = startMonitor(['--stream-root', root, '--state-dir', state, '--devices', 'capture1', '--no-audio', '--config', file], {});
    try {
      await monitor.waitForEvent((e) => e.event === 'memory', 'the start-up memory sample');
      await feedFrames(source, device, { rate: 10, from: 0, to: 3 });
      expect(await ruleOf(2)).toBe('motion');

      await writeFile(file, '[monitor]\nfreeze_rule = "seed"\n');
      process.kill(monitor.pid, 'SIGHUP');
      expect(await monitor.waitForStderr(/SIGHUP: reloaded/)).toMatch(new RegExp(`reloaded ${file}: detection settings of 1 device and actions updated`));
      await feedFrames(source, device, { rate: 10, from: 3, to: 6 });
      expect(await ruleOf(5)).toBe('seed');

      await writeFile(file, '[monitor]\nfreeze_rule = "sometimes"\n');
      process.kill(monitor.pid, 'SIGHUP');
      const refused = await monitor.waitForStderr(/SIGHUP: .*old settings stay/);
      expect(refused).toMatch(new RegExp(`${file}:2: monitor\\.freeze_rule: .*; the old settings stay$`));
      await feedFrames(source, device, { rate: 10, from: 6, to: 8 });
      expect(await ruleOf(7)).toBe('seed');
      expect(monitor.child.exitCode).toBeNull();
    } finally {
      monitor.child.kill('SIGTERM');
      const result = await monitor.child;
      expect(result.exitCode).toBe(0);
    }
    expect(await readdir(state)).toContain('incidents.db');
  }, 90_000);
});

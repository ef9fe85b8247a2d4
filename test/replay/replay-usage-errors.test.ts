import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

describe('vpt monitor --replay: bad input is one clear line', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    root = await makeTempDir('vpt-replay-usage-');
  });
  afterEach(() => root.cleanup());

  // A NUL cannot reach argv (execve ends the string there); device-name.test.ts covers it.
  it.each([
    ['../etc', /invalid device name "\.\.\/etc": it contains "\/"/],
    ['capture1/../../x', /invalid device name .*it contains "\/"/],
    ['..', /invalid device name "\.\.": it contains "\.\."/],
  ])('refuses the device name %j with exit 2 and writes nothing', async (name, message) => {
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--devices', name]);
    expect(run.exitCode).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vpt: /);
    expect(lines[0]).toMatch(message);
    expect(run.stdout).toBe('');
    expect(await readdir(root.dir)).toEqual([]);
  });

  it('says in one line that a missing stream root does not exist and how to fix it', async () => {
    const missing = path.join(root.dir, 'nope');
    const run = await runVpt(['monitor', '--replay', '--stream-root', missing]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`vpt: stream root ${missing} does not exist: pass --stream-root <dir> or set VPT_STREAM_ROOT`);
  });

  it('takes the stream root from VPT_STREAM_ROOT, and warns (exit 1) when it holds no device', async () => {
    const run = await runVpt(['monitor', '--replay', '--json'], { env: { VPT_STREAM_ROOT: root.dir } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(`warning: no devices under ${root.dir}: no --devices, no existing folder in active_captures.conf, no capture* folder`);
    expect(JSON.parse(run.stdout)).toMatchObject({ stream_root: root.dir, devices: [], frames: 0 });
  });

  it('warns about a listed device whose folder is missing, analyses the others, exits 1', async () => {
    await buildFixtureDevice(path.join(root.dir, 'capture1'), [FIXTURE.menu, FIXTURE.subtitles]);
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--devices', 'capture1,capture9', '--json']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^warning: \[capture9\] device folder .*capture9 does not exist: skipped$/)]);
    const summary = JSON.parse(run.stdout);
    expect(summary.devices.map((d: { device: string; missing: boolean; frames: number }) => [d.device, d.missing, d.frames])).toEqual([
      ['capture1', false, 2],
      ['capture9', true, 0],
    ]);
  }, 60_000);

  it('uses the devices of active_captures.conf that exist, else every capture* folder', async () => {
    await buildFixtureDevice(path.join(root.dir, 'capture1'), [FIXTURE.menu]);
    await buildFixtureDevice(path.join(root.dir, 'capture2'), [FIXTURE.menu]);
    await mkdir(path.join(root.dir, 'not-a-device'));
    let run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json']);
    expect(JSON.parse(run.stdout).devices.map((d: { device: string }) => d.device)).toEqual(['capture1', 'capture2']);
    await writeFile(path.join(root.dir, 'active_captures.conf'), '/var/www/html/stream/capture2,1234,hd\n/var/www/html/stream/capture7,99,vnc\n');
    run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json']);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).devices.map((d: { device: string; fps: number }) => [d.device, d.fps])).toEqual([['capture2', 5]]);
  }, 60_000);

  it('live mode on a stream root without devices: one line, exit 2, nothing written', async () => {
    const state = path.join(root.dir, 'state');
    await mkdir(state);
    const run = await runVpt(['monitor', '--stream-root', root.dir, '--state-dir', state]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^vpt: no devices under .*: pass --devices/);
    expect(await readdir(state)).toEqual([]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';

/** Issue 15's rough edges, each through the real binary: one clear line and the right exit code. */
describe('rough edges a new user hit', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let stream: string;
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-rough-');
    stream = path.join(tmp.dir, 'stream');
    await mkdir(path.join(stream, 'capture1/hot'), { recursive: true });
  });
  afterEach(() => tmp.cleanup());

  it.each([[''], [','], [' , ']])('monitor --devices %j is refused, not read as every device', async (value) => {
    const run = await runVpt(['monitor', '--replay', '--stream-root', stream, '--devices', value]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      `vpt: --devices: "${value}" names no device; give folder names, e.g. --devices capture1,capture2 (leave the flag out for every device)`,
    );
  });

  it('monitor --replay --demo is refused as a conflict (not "stream root does not exist")', async () => {
    const run = await runVpt(['monitor', '--replay', '--demo', '--stream-root', path.join(tmp.dir, 'absent')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: --replay and --demo exclude each other: --replay analyses frames on disk, --demo makes its own; pick one');
  });

  it('monitor --min-event longer than --incident-delay is refused with both values', async () => {
    const run = await runVpt(['monitor', '--replay', '--stream-root', stream, '--min-event', '40s', '--incident-delay', '30s']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('vpt: --min-event 40s is longer than --incident-delay 30s');
  });

  it('--prom into a missing folder names --prom and the folder, and writes no sample', async () => {
    const logDir = path.join(tmp.dir, 'log');
    const prom = path.join(tmp.dir, 'textfile_collector', 'vpt.prom');
    const run = await runVpt(['investigate', '--health', '--log-dir', logDir, '--stream-root', stream, '--prom', prom], { env: { TMPDIR: tmp.dir } });
    expect(run.exitCode).toBe(3);
    expect(run.stderr.trim()).toBe(
      `vpt: --prom ${prom}: the folder ${path.dirname(prom)} does not exist; create it (node_exporter's --collector.textfile.directory) or give another path`,
    );
    expect(existsSync(path.dirname(prom))).toBe(false);
  });

  it('--prom at a folder is one line, no raw EISDIR', async () => {
    const run = await runVpt(['investigate', '--health', '--log-dir', path.join(tmp.dir, 'log'), '--stream-root', stream, '--prom', tmp.dir], {
      env: { TMPDIR: tmp.dir },
    });
    expect(run.exitCode).toBe(3);
    expect(run.stderr.trim()).toBe(`vpt: --prom ${tmp.dir}: is a folder; give a file in it, e.g. --prom ${path.join(tmp.dir, 'vpt.prom')}`);
    expect(run.stderr).not.toMatch(/EISDIR|rename|\.tmp-/);
  });

  it('-q report lines do not repeat the section in the label', async () => {
    const run = await runVpt(['investigate', '-q', '--log-dir', path.join(tmp.dir, 'log'), '--stream-root', stream, '--processes', 'no-such-farm-process'], {
      env: { TMPDIR: tmp.dir },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('warn: Tracked processes: none running (patterns: no-such-farm-process)');
    for (const line of lines) {
      const [, section, label] = /^(?:warn|critical): ([^:]+): ([^:]+):/.exec(line) ?? [];
      if (section && label) expect(section.toLowerCase(), line).not.toContain(label.toLowerCase());
    }
  });

  it('README: the build tools npm ci may need, and the textfile path docs/fleet.md uses', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/compiles it from source, which takes\s+minutes/);
    expect(readme).toContain('python3, make and g++');
    const fleet = readFileSync(path.join(REPO_ROOT, 'docs/fleet.md'), 'utf8');
    const promPaths = (text: string) => [...text.matchAll(/--prom (\/\S+\.prom)/g)].map((m) => m[1]);
    expect(promPaths(readme).length).toBeGreaterThan(0);
    for (const file of promPaths(readme)) expect(promPaths(fleet)).toContain(file);
  });
});

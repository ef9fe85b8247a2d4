import Database from 'better-sqlite3';
import { execa } from 'execa';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Names and strings from outside (folder names, config sections, database
 * fields) on their way to the operator (issue 27 items 3, 4, 5, 7; issue 29
 * item 11): one device-name rule at the flag, the config and discovery, and
 * one escaping function for every human line.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-hostile-names-')));
afterEach(async () => cleanup());

/** A line the journal would show as its own entry: what a forged name must never produce. */
const FORGED = 'warning: [capture9] INCIDENT #99 opened: FAKE';

/** RFC 4180 as python's csv module reads it (a real CSV parser, not ours). */
async function parseCsv(text: string): Promise<string[][]> {
  const { stdout } = await execa('python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))'], { input: text, timeout: 10_000 });
  return JSON.parse(stdout) as string[][];
}

describe('one device-name rule: flag, config, discovery', () => {
  it.each([
    ['capture\u202e', /invalid device name "capture\\u202e": only letters, digits/],
    ['capture%E2%80%AE', /invalid device name "capture%E2%80%AE": only letters/],
    ['=HYPERLINK("http:evil","x")', /invalid device name "=HYPERLINK/],
    ['__proto__', /invalid device name "__proto__"/],
    ['capture\u001b[2J', /invalid device name "capture\\x1b\[2J"/],
  ])('--devices %j: one line, exit 2', async (name, message) => {
    const r = await runVpt(['monitor', '--replay', '--stream-root', dir, '--devices', name]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  it('[devices.__proto__] and a device list entry that needs %-encoding are refused by --check-config (it said "valid" and dropped the section)', async () => {
    const config = path.join(dir, 'vpt.toml');
    await writeFile(
      config,
      '[monitor]\ndevices = ["capture1", "capture\u202e"]\n\n[devices.__proto__]\nblack_threshold = 5\n\n[devices.constructor]\nblack_threshold = 6\n',
    );
    const r = await runVpt(['monitor', '--check-config', '--config', config]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^vpt: .*vpt\.toml:2: monitor\.devices\[1\]: invalid device name: only letters/),
      expect.stringMatching(/vpt\.toml:4: devices\.__proto__: invalid device name: only letters/),
    ]);
  });

  it('discovery names a folder that breaks the rule in one escaped line and watches the others; no forged journal line', async () => {
    await buildFixtureDevice(path.join(dir, 'capture1'), [FIXTURE.menu]);
    const hostile = `capture_nl\n${FORGED}`;
    await mkdir(path.join(dir, hostile, 'captures'), { recursive: true });
    await mkdir(path.join(dir, 'capture\u001b[31mred\u202e'), { recursive: true });
    const r = await runVpt(['monitor', '--replay', '--stream-root', dir, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).not.toContain(FORGED);
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^warning: folder "capture_nl\\nwarning: \[capture9\] INCIDENT #99 opened: FAKE" under .* is not replayed: invalid device name/),
        expect.stringMatching(/^warning: folder "capture\\x1b\[31mred\\u202e" under .* is not replayed/),
      ]),
    );
    expect(JSON.parse(r.stdout).devices.map((d: { device: string }) => d.device)).toEqual(['capture1']);
  }, 60_000);

  it('the live monitor says the same at start', async () => {
    await mkdir(path.join(dir, 'stream', 'capture1', 'captures'), { recursive: true });
    await mkdir(path.join(dir, 'stream', `capture_nl\n${FORGED}`), { recursive: true });
    await mkdir(path.join(dir, 'state'));
    const m = startMonitor(['--stream-root', path.join(dir, 'stream'), '--state-dir', path.join(dir, 'state'), '--no-audio'], { TMPDIR: dir });
    try {
      await m.waitForStderr(
        /^warning: folder "capture_nl\\nwarning: \[capture9\] INCIDENT #99 opened: FAKE" under .* is not watched: invalid device name/,
        30_000,
      );
      await m.waitForEvent((e) => e.event === 'memory', 'the monitor running');
      expect(m.stderr).not.toContain(FORGED);
    } finally {
      m.child.kill('SIGTERM');
      await m.child;
    }
  }, 60_000);
});

describe('vpt incidents on a tampered database', () => {
  async function tamperedDatabase(): Promise<void> {
    const store = IncidentStore.openInDir(dir);
    const t = Date.now() - 60_000;
    store.open('capture1', 'freeze', t, [], {}, t - 10_000);
    store.resolve(1, t + 5_000, 'cleared');
    store.open('capture2', 'blackscreen', t, [], {}, t - 10_000);
    store.resolve(2, t + 5_000, 'cleared');
    store.close();
    const db = new Database(path.join(dir, 'incidents.db'));
    db.prepare('UPDATE incidents SET device = ?, resolve_reason = ? WHERE id = 1').run('=HYPERLINK("http:evil","x")', '\u001b]0;owned\u0007cleared\u202e');
    db.prepare('UPDATE incidents SET device = ?, resolve_reason = ? WHERE id = 2').run('capture\u202e2', '@SUM(1+1)');
    db.close();
  }

  it('--csv neutralises cells a spreadsheet would run (OWASP: leading =, +, -, @, tab, CR)', async () => {
    await tamperedDatabase();
    const r = await runVpt(['incidents', '--state-dir', dir, '--csv']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = await parseCsv(r.stdout);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byId.get('1')![1]).toBe(`'=HYPERLINK("http:evil","x")`);
    expect(byId.get('2')![8]).toBe(`'@SUM(1+1)`);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // Numbers stay numbers.
    expect(Number(byId.get('1')![7])).toBeGreaterThan(0);
  });

  it('every text output escapes control and bidi characters (ESC in resolve_reason, U+202E in a device)', async () => {
    await tamperedDatabase();
    for (const args of [['incidents'], ['incidents', 'show', '1'], ['incidents', 'show', '2']]) {
      const r = await runVpt([...args, '--state-dir', dir]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    }
    const list = await runVpt(['incidents', '--state-dir', dir]);
    expect(list.stdout).toMatch(/device=capture\\u202e2 /);
    expect(list.stdout).toMatch(/reason=\\x1b\]0;owned\\x07cleared\\u202e$/m);
  });
});

describe('journald-limits check mode', () => {
  it('a drop-in whose name carries ESC and a newline is listed escaped', async () => {
    const dropIns = path.join(dir, 'etc/systemd/journald.conf.d');
    await mkdir(dropIns, { recursive: true });
    await writeFile(path.join(dropIns, '50-\u001b[2J\nused       forged.conf'), '[Journal]\nSystemMaxUse=1G\n');
    const r = await runVpt(['journald-limits', '--root', dir]);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stdout).toMatch(/^ {2}used {7}.*\/50-\\x1b\[2J\\nused {7}forged\.conf$/m);
    expect(r.stdout).not.toMatch(/^used {7}forged/m);
  });
});

describe('error lines', () => {
  it('a path with a newline and ESC stays on one escaped line', async () => {
    const bad = path.join(dir, `nope\n${FORGED}\u001b[2J`);
    const r = await runVpt(['incidents', '--state-dir', bad]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\u001b/);
  });

  it('no file is left behind by any of the refusals', async () => {
    await runVpt(['monitor', '--replay', '--stream-root', dir, '--devices', '__proto__']);
    expect(await readdir(dir)).toEqual([]);
  });
});

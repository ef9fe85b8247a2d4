import { execa } from 'execa';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * `vpt incidents` on a database a real monitor writes: two devices that never
 * start stall at once (--stall-after 1s), so incidents open within seconds;
 * capture1's frames then resolve its incident.
 */
const CSV_COLUMNS = ['id', 'device', 'type', 'status', 'event_start', 'opened_at', 'resolved_at', 'duration_ms', 'resolve_reason', 'evidence'];

let root: string;
let cleanup: () => Promise<void>;
let state: string;
let stream: string;
let m: MonitorProcess;
let feeding: NodeJS.Timeout | undefined;

/** RFC 4180 as python's csv module reads it (a real CSV parser, not ours). */
async function parseCsv(text: string): Promise<string[][]> {
  const { stdout } = await execa('python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))'], { input: text, timeout: 10_000 });
  return JSON.parse(stdout) as string[][];
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-incidents-cli-'));
  state = path.join(root, 'state');
  stream = path.join(root, 'stream');
  for (const d of ['capture1', 'capture2']) await mkdir(path.join(stream, d, 'captures'), { recursive: true });
  await mkdir(state);
  m = startMonitor(
    [
      '--stream-root',
      stream,
      '--state-dir',
      state,
      '--devices',
      'capture1,capture2',
      '--stall-after',
      '3s',
      '--incident-delay',
      '1s',
      '--min-event',
      '1s',
      '--no-audio',
    ],
    { TMPDIR: root },
  );
  await m.waitForEvent((e) => e.event === 'incident_opened' && e.device === 'capture2', 'capture2 stalled');
  await m.waitForEvent((e) => e.event === 'incident_opened' && e.device === 'capture1', 'capture1 stalled');
  // capture1's frames return and keep coming (5 fps) until the end: its incident resolves, capture2's stays open.
  let sequence = 0;
  feeding = setInterval(() => void writeFrameLikeFfmpeg(path.join(stream, 'capture1'), sequence++, Date.now(), 'not a jpeg'), 200);
  await m.waitForEvent((e) => e.event === 'incident_resolved' && e.device === 'capture1', 'capture1 resolved');
}, 90_000);
afterAll(async () => {
  clearInterval(feeding);
  m.child.kill('SIGKILL');
  await m.child;
  await cleanup();
});

describe('vpt incidents (real monitor database)', () => {
  it('lists and shows while the monitor writes: no SQLITE_BUSY, plain lines when piped', async () => {
    // Twenty readers at once beside the writer (its status and stall writes go on meanwhile).
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => runVpt(i % 2 ? ['incidents', 'show', '1', '--state-dir', state] : ['incidents', '--state-dir', state])),
    );
    for (const r of runs) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/SQLITE_BUSY|locked/);
    }
    const list = runs[0]!.stdout.trim().split('\n');
    expect(list, runs[0]!.stdout).toHaveLength(2);
    expect(list[0]).toMatch(/^id=2 device=capture2 type=capture_stalled status=open event_start=\S+ resolved_at=- duration_ms=\d+ reason=-$/);
    expect(list[1]).toMatch(/^id=1 device=capture1 type=capture_stalled status=resolved .* reason=cleared$/);
    const show = runs[1]!.stdout;
    expect(show).toMatch(/^incident #1: capture1 capture_stalled \(resolved\)$/m);
    for (const label of ['event start', 'opened', 'resolved', 'duration', 'evidence', 'metadata', 'webhook'])
      expect(show).toMatch(new RegExp(`^  ${label} `, 'm'));
  });

  it('--json is one document; --open, --device, --type filter', async () => {
    const all = JSON.parse((await runVpt(['incidents', '--json', '--state-dir', state])).stdout) as {
      incidents: { id: number; status: string; duration_ms: number }[];
    };
    expect(all.incidents.map((i) => i.id)).toEqual([2, 1]);
    expect(all.incidents.every((i) => Number.isInteger(i.duration_ms))).toBe(true);
    const open = JSON.parse((await runVpt(['incidents', '--open', '--json', '--state-dir', state])).stdout) as typeof all;
    expect(open.incidents.map((i) => i.id)).toEqual([2]);
    const device = JSON.parse(
      (await runVpt(['incidents', '--device', 'capture1', '--type', 'capture_stalled', '--json', '--state-dir', state])).stdout,
    ) as typeof all;
    expect(device.incidents.map((i) => i.id)).toEqual([1]);
    const bad = await runVpt(['incidents', '--type', 'fire', '--state-dir', state]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--csv opens in a CSV parser with the documented columns', async () => {
    const r = await runVpt(['incidents', '--csv', '--state-dir', state]);
    expect(r.exitCode).toBe(0);
    const rows = await parseCsv(r.stdout);
    expect(rows[0]).toEqual(CSV_COLUMNS);
    expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[3]])).toEqual([
      ['2', 'capture2', 'capture_stalled', 'open'],
      ['1', 'capture1', 'capture_stalled', 'resolved'],
    ]);
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
  });

  it('--since takes a span or a local date-time; a bad one is one line and exit 2', async () => {
    const ids = async (since: string) =>
      (JSON.parse((await runVpt(['incidents', '--since', since, '--json', '--state-dir', state])).stdout) as { incidents: { id: number }[] }).incidents.map(
        (i) => i.id,
      );
    expect(await ids('2h')).toEqual([2, 1]);
    const hourAgo = new Date(Date.now() - 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    const local = `${hourAgo.getFullYear()}-${p(hourAgo.getMonth() + 1)}-${p(hourAgo.getDate())}T${p(hourAgo.getHours())}:${p(hourAgo.getMinutes())}`;
    expect(await ids(local)).toEqual([2, 1]);
    // Since a minute from now: only the still-open incident was open then.
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await ids(later)).toEqual([2]);
    const bad = await runVpt(['incidents', '--since', 'yesterday-ish', '--state-dir', state]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('vpt: --since: "yesterday-ish" is neither a time span back from now (2h, 30m, 7d) nor a date-time (2026-11-30T10:00)');
  });

  it('works on a copy of the database (--state-dir), and prune keeps open incidents', async () => {
    const copy = path.join(root, 'copy');
    await mkdir(copy);
    // A copy as an operator makes it while the monitor runs: the database and its WAL.
    for (const name of (await readdir(state)).filter((n) => /^incidents\.db(-wal)?$/.test(n))) await copyFile(path.join(state, name), path.join(copy, name));
    const listed = await runVpt(['incidents', '--json', '--state-dir', copy]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { incidents: unknown[] }).incidents).toHaveLength(2);
    const pruned = await runVpt(['incidents', 'prune', '--older-than', '0s', '--state-dir', copy]);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/^removed 1 incident resolved before/);
    const after = JSON.parse((await runVpt(['incidents', '--json', '--state-dir', copy])).stdout) as { incidents: { id: number }[] };
    expect(after.incidents.map((i) => i.id)).toEqual([2]);
    const missing = await runVpt(['incidents', 'show', '99', '--state-dir', copy]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^vpt: no incident #99 in /);
  });
});

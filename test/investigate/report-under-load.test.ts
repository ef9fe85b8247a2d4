import { spawn, type ChildProcess } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TIMED_OUT, withDeadline } from '../../src/core/probes/deadline.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { REPORT_SECTIONS } from './report-sections.js';

/**
 * The report is wanted exactly when the host is loaded. With 2 CPU hogs per core running, the real
 * report (bin/vpt) completes every section: no probe times out, the disk section is there.
 */

interface ReportJson {
  sections: { id: string; checks: { label: string; status: string; detail: string }[]; lines: string[] }[];
  probes: { name: string; ok: boolean; error?: string; duration_ms: number }[];
}

describe('the report under load', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let hogs: ChildProcess[] = [];
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-load-');
    await mkdir(path.join(tmp.dir, 'stream/capture1/hot'), { recursive: true });
  });
  afterEach(async () => {
    for (const hog of hogs) hog.kill('SIGKILL');
    await Promise.all(hogs.map((hog) => (hog.exitCode === null && hog.signalCode === null ? new Promise((r) => hog.once('exit', r)) : undefined)));
    hogs = [];
    await tmp.cleanup();
  });

  it('completes every section with 2 CPU hogs per core', async () => {
    const count = 2 * availableParallelism();
    hogs = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}', 'vpt-cpu-hog'], { stdio: 'ignore' }));
    // Let the hogs get going before the report starts measuring.
    await new Promise((r) => setTimeout(r, 500));
    const run = await runVpt(['investigate', '--json', '--log-dir', path.join(tmp.dir, 'log'), '--stream-root', path.join(tmp.dir, 'stream')], {
      env: { TMPDIR: tmp.dir },
      timeoutMs: 90_000,
    });
    expect(hogs.every((hog) => hog.exitCode === null)).toBe(true); // still burning CPU when the report ended
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as ReportJson;
    expect(report.sections.map((s) => s.id)).toEqual(REPORT_SECTIONS);
    expect(report.probes.filter((p) => p.error?.includes('timed out'))).toEqual([]);
    for (const name of ['memory', 'load', 'processes', 'tracked-processes', 'disk', 'hot-folders', 'journal', 'temp-files']) {
      expect(
        report.probes.find((p) => p.name === name),
        name,
      ).toMatchObject({ ok: true });
    }
    expect(report.sections.find((s) => s.id === 'disk')!.checks[0]!.status).not.toBe('unavailable');
  });
});

describe('withDeadline', () => {
  it('gives work that finished while the event loop was blocked past the deadline its result', async () => {
    const pending = withDeadline(statfs('/'), 20);
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // The loop is held, as by CPU hogs or a long synchronous scan; statfs completes meanwhile.
    }
    expect(await pending).not.toBe(TIMED_OUT);
  });

  it('times out work that never finishes', async () => {
    expect(await withDeadline(new Promise(() => undefined), 20)).toBe(TIMED_OUT);
  });
});

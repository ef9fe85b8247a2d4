import { execa } from 'execa';
import { symlink, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { STATUS_MAX_BYTES, statusFilePath, type StatusSnapshot } from '../../src/core/status/status-snapshot.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/** A monitor whose watcher saw no frame (the frame account's watcher half). */
const NO_FRAMES = { seen: 0, superseded: 0 };

/**
 * `vpt status` on a status.json it cannot trust (issue 27, item 2): every case
 * is Nagios unknown (3) with one `VPT UNKNOWN - ...` line, in well under the
 * run's timeout, never a crash, a hang or a file read whole.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-status-hostile-')));
afterEach(async () => cleanup());

function snapshot(writtenMs: number): StatusSnapshot {
  const status = new MonitorStatus({ devices: ['capture1'], startedMs: writtenMs - 60_000, stallAfterMs: 10_000 });
  status.device('capture1').frameReceived(3, writtenMs - 100);
  return {
    ...status.snapshot(writtenMs, () => ({ dropped: 0, watcher: NO_FRAMES, queued: 0, behind: false, audioChecked: true, openEvents: [] })),
    pid: process.pid,
  };
}

const status = (...extra: string[]) => runVpt(['status', '--state-dir', dir, ...extra], { timeoutMs: 15_000 });

function expectUnknownLine(r: { exitCode: number; stdout: string; stderr: string }, reason: RegExp): void {
  expect(r.exitCode, r.stdout + r.stderr).toBe(3);
  expect(r.stdout.split('\n')[0]).toMatch(/^VPT UNKNOWN - /);
  expect(r.stdout.split('\n')[0]).toMatch(reason);
  expect(r.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
}

describe('vpt status on a hostile status.json', () => {
  it('a file over the bound is refused unread (a 200 MB file was read whole: 642 MB RSS)', async () => {
    await writeFile(statusFilePath(dir), '');
    await truncate(statusFilePath(dir), 200 * 1024 * 1024);
    expectUnknownLine(await status(), new RegExp(`cannot read .*status\\.json: ${200 * 1024 * 1024} bytes, more than ${STATUS_MAX_BYTES}$`));
  });

  it('a symlink to /dev/zero and a FIFO are not regular files (they ran out of memory and hung)', async () => {
    await symlink('/dev/zero', statusFilePath(dir));
    expectUnknownLine(await status(), /^VPT UNKNOWN - cannot read .*status\.json: not a regular file$/);
    await cleanup();
    ({ dir, cleanup } = await makeTempDir('vpt-status-hostile-'));
    await execa('mkfifo', [statusFilePath(dir)]);
    expectUnknownLine(await status(), /^VPT UNKNOWN - cannot read .*status\.json: not a regular file$/);
  });

  it('wrong types inside devices[] give the field, not "Cannot read properties of null"', async () => {
    const s = snapshot(Date.now()) as unknown as { devices: Record<string, unknown>[] };
    s.devices[0]!.states = null;
    await writeFile(statusFilePath(dir), JSON.stringify(s));
    expectUnknownLine(await status(), /devices\[0\]: states has the wrong type/);
    s.devices[0] = { ...s.devices[0], states: { black: false, frozen: false, stalled: 'no', audio: 'ok' } };
    await writeFile(statusFilePath(dir), JSON.stringify(s));
    expectUnknownLine(await status(), /devices\[0\]: states\.stalled has the wrong type/);
    // The frame account's fields came later in the same schema_version: absent is sound, a wrong type is not.
    const withoutAccount: Record<string, unknown> = { ...s.devices[0], states: { black: false, frozen: false, stalled: false, audio: 'ok' } };
    delete withoutAccount.frames_seen;
    await writeFile(statusFilePath(dir), JSON.stringify({ ...s, devices: [withoutAccount] }));
    expect((await status()).stdout).not.toMatch(/UNKNOWN/);
    await writeFile(statusFilePath(dir), JSON.stringify({ ...s, devices: [{ ...withoutAccount, frames_pending: -1 }] }));
    expectUnknownLine(await status(), /devices\[0\]: frames_pending has the wrong type/);
    await writeFile(statusFilePath(dir), JSON.stringify({ ...s, devices: [null] }));
    const j = await status('--json');
    expect(j.exitCode).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ state: 'unknown', problems: [expect.stringMatching(/devices\[0\]: not an object$/)] });
  });

  it('a snapshot written in the future is clock skew (unknown, said), not "OK ... 0ms old"', async () => {
    await writeFile(statusFilePath(dir), JSON.stringify(snapshot(Date.parse('2099-01-01T00:00:00Z'))));
    const r = await status();
    expectUnknownLine(r, /clock skew: the snapshot was written \d+ s in the future \(2099-01-01T00:00:00\.000Z\)/);
    expect(r.stdout).toMatch(/snapshot written [\d.]+d in the future/);
    // A fresh one is still OK: the tolerance covers a snapshot written a moment ago.
    await writeFile(statusFilePath(dir), JSON.stringify(snapshot(Date.now() + 1000)));
    expect((await status()).exitCode).toBe(0);
  });
});

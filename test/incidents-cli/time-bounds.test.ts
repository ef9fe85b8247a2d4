import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * --since / --until that cannot be a moment (issue 27 item 6, issue 29 item
 * 12): one line and exit 2, before the database is read; valid edges still work.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-time-bounds-'));
  IncidentStore.openInDir(dir).close();
});
afterEach(async () => cleanup());

describe('vpt incidents --since/--until', () => {
  it.each([
    ['2026-02-30', /^vpt: --since: "2026-02-30" is not a day of the calendar \(2026-02 has no day 30\)$/],
    ['2026-04-31T10:00', /^vpt: --since: "2026-04-31T10:00" is not a day of the calendar/],
    ['2025-02-29', /^vpt: --since: "2025-02-29" is not a day of the calendar/],
    ['99999999999999999999d', /^vpt: --since: "99999999999999999999d" reaches back further than any date$/],
    ['300000000y', /^vpt: --since: "300000000y" reaches back further than any date$/],
  ])('--since %s: one line, exit 2', async (value, line) => {
    const r = await runVpt(['incidents', '--state-dir', dir, '--since', value]);
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
  });

  it('--until gets the same rule', async () => {
    const r = await runVpt(['incidents', '--state-dir', dir, '--until', '2026-02-30']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^vpt: --until: "2026-02-30" is not a day of the calendar/);
  });

  it('real days, leap days and long spans are still accepted', async () => {
    for (const value of ['2024-02-29', '2026-02-28T23:59', '2026-12-31 10:00:00Z', '100y']) {
      const r = await runVpt(['incidents', '--state-dir', dir, '--since', value]);
      expect(r.exitCode, `${value}: ${r.stderr}`).toBe(0);
    }
  });

  it('prune --older-than past any date: one line, exit 2 (was "Invalid time value")', async () => {
    const r = await runVpt(['incidents', 'prune', '--state-dir', dir, '--older-than', '99999999999999999999d']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^vpt: --older-than: .* reaches back further than any date$/)]);
  });
});

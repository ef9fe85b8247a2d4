import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Issue 29 item 8: a wall clock that steps (NTP correcting a Pi without RTC, an operator's `date -s`)
 * must not corrupt durations. The uptime is a difference of a clock that never steps; an incident is
 * never stored as resolved before it opened.
 */
const H = 3_600_000;
/** No devices: the snapshot never asks for their extras. */
const noExtras = (): never => {
  throw new Error('no devices');
};

describe('a wall-clock step', () => {
  it("the uptime (status, the exit summary's `up`) comes from the monotonic clock: a 22 h step forward after 40 s is 40 s up", () => {
    let wall = Date.parse('2026-12-01T10:00:00Z');
    let mono = 1_000;
    const status = new MonitorStatus({ devices: [], startedMs: wall, stallAfterMs: 10_000, monotonic: () => mono, host: 'pi', version: '0' });
    mono += 40_000;
    wall += 40_000 + 22 * H;
    expect(status.snapshot(wall, noExtras).uptime_ms).toBe(40_000);
    // And stepped back: never negative, still the 40 s.
    expect(status.snapshot(wall - 30 * H, noExtras).uptime_ms).toBe(40_000);
  });

  describe('incident store', () => {
    let tmp: { dir: string; cleanup: () => Promise<void> };
    let store: IncidentStore;
    beforeEach(async () => {
      tmp = await makeTempDir('vpt-clock-step-');
      store = IncidentStore.open(path.join(tmp.dir, 'incidents.db'));
    });
    afterEach(async () => {
      store.close();
      await tmp.cleanup();
    });

    it('an incident resolved on a clock stepped back 2 h is stored resolved when it opened, never before', () => {
      const opened = Date.parse('2026-12-01T10:00:00Z');
      const incident = store.open('capture1', 'blackscreen', opened, [], {}, opened - 5_000);
      const resolved = store.resolve(incident.id, opened + 10_000 - 2 * H, 'cleared')!;
      expect(resolved.resolvedAt).toBeGreaterThanOrEqual(resolved.openedAt);
      expect(resolved.resolvedAt).toBe(opened);
      expect(resolved.durationMs).toBeGreaterThanOrEqual(0);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { healthSampleFromJson, healthSampleJson } from '../../src/core/investigate/health-sample-json.js';
import type { HealthSample } from '../../src/core/investigate/health-types.js';
import { snakeCaseKeys } from '../../src/core/output/snake-case-keys.js';

const SAMPLE: HealthSample = {
  version: 1,
  time: '2026-11-28T17:47:45.000Z',
  localTime: '2026-11-28 17:47:45',
  host: 'pi-7',
  memory: { totalBytes: 8e9, availableBytes: 6e9, usedBytes: 2e9, usedPercent: 25, swapTotalBytes: 0, swapUsedBytes: 0 },
  hotFolders: [{ device: 'capture2', name: 'hot', usedPercent: 93 }],
  processes: [{ name: 'vpt monitor', pattern: 'vpt monitor', pid: 12, startTicks: 345, rssBytes: 9e7 }],
  oomKillCounter: 3,
  alerts: [{ key: 'hot:capture2', severity: 'critical', message: 'capture2/hot at 93%', short: 'capture2/hot 93%' }],
  pending: { 'hot:capture2': 2, journalRam: 1 },
  status: 'CRITICAL',
  unavailable: { rasperryPi: 'vcgencmd is not installed' },
  durationMs: 12,
};

describe('the health sample as JSON', () => {
  it('is snake_case with schema_version 2; the keys of pending and unavailable are data and stay as they are', () => {
    const json = healthSampleJson(SAMPLE);
    expect(json).toMatchObject({ schema_version: 2, local_time: SAMPLE.localTime, oom_kill_counter: 3, duration_ms: 12 });
    expect(json).not.toHaveProperty('version');
    expect(json.memory).toMatchObject({ total_bytes: 8e9, swap_used_bytes: 0 });
    expect(json.hot_folders).toEqual([{ device: 'capture2', name: 'hot', used_percent: 93 }]);
    expect(json.pending).toEqual({ 'hot:capture2': 2, journalRam: 1 });
    expect(json.unavailable).toEqual({ rasperryPi: 'vcgencmd is not installed' });
  });

  it('reads back a new snake_case line and an old camelCase line (schema 1) alike', () => {
    const fromNew = healthSampleFromJson(JSON.parse(JSON.stringify(healthSampleJson(SAMPLE))));
    const fromOld = healthSampleFromJson(JSON.parse(JSON.stringify(SAMPLE)));
    const { version: _v, ...rest } = SAMPLE;
    expect(fromNew).toMatchObject(rest);
    expect(fromOld).toEqual(SAMPLE);
    expect(healthSampleFromJson({ nope: 1 })).toBeUndefined();
    expect(healthSampleFromJson([1])).toBeUndefined();
  });
});

describe('snakeCaseKeys', () => {
  it('converts nested keys and arrays, never values', () => {
    expect(snakeCaseKeys({ incidentsOpened: 1, devices: [{ zapCandidates: ['keepMe'] }], currentMB: 2, load1: 3 })).toEqual({
      incidents_opened: 1,
      devices: [{ zap_candidates: ['keepMe'] }],
      current_mb: 2,
      load1: 3,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { deviceSettings, mergeMonitorOptions } from '../../src/core/config/effective-settings.js';
import { MONITOR_SETTINGS, settingDefaults, type SettingRow } from '../../src/core/config/monitor-settings.js';
import { parseConfig } from '../../src/core/config/parse-config.js';
import { buildProgram } from '../../src/cli.js';

const rows = MONITOR_SETTINGS as readonly SettingRow[];

/** Two different valid vpt.toml values for a row, as TOML text. */
function twoValues(row: SettingRow): [string, string] {
  switch (row.kind) {
    case 'span':
      return ['"2s"', '"30s"'];
    case 'integer':
    case 'number':
      return [String(row.min), String(row.min + 1)];
    case 'choice':
      return [`"${row.choices[0]}"`, `"${row.choices[1]}"`];
    case 'switch':
    case 'on-switch':
      return ['true', 'false'];
    case 'rects':
      return ['[]', '[{ x = 0, y = 0, w = 10, h = 10 }]'];
    default:
      throw new Error(`no device-scoped ${row.kind} expected`);
  }
}

describe('the settings table', () => {
  it('every span has a floor and a ceiling around its default; TOML keys are the flags in snake_case', () => {
    for (const row of rows) {
      if (row.kind === 'span') {
        expect(row.floor, row.key).toBeLessThanOrEqual(row.ceiling);
        if (row.default !== undefined) expect(row.default, row.key).toBeGreaterThanOrEqual(row.floor);
        if (row.default !== undefined) expect(row.default, row.key).toBeLessThanOrEqual(row.ceiling);
      }
      if (row.flag && row.toml && row.kind !== 'on-switch') expect(row.flag.split(' ')[0], row.key).toBe(`--${row.toml.replaceAll('_', '-')}`);
    }
  });

  it('every row with a flag is an option of `vpt monitor`, with the table default', () => {
    const monitor = buildProgram({ onExit: () => undefined }).commands.find((c) => c.name() === 'monitor')!;
    const defaults = settingDefaults() as Record<string, unknown>;
    for (const row of rows.filter((r) => r.flag)) {
      const option = monitor.options.find((o) => o.attributeName() === row.key);
      expect(option, row.key).toBeDefined();
      if (row.kind !== 'on-switch') expect(option!.defaultValue, row.key).toEqual(defaults[row.key]);
    }
  });

  it.each(rows.filter((r) => r.scope === 'device').map((r) => [r.toml!, r] as const))('device-scoped %s is resolved per device', (toml, row) => {
    const [a, b] = twoValues(row);
    const config = parseConfig('vpt.toml', `[devices.capture1]\n${toml} = ${a}\n[devices.capture2]\n${toml} = ${b}\n`);
    const merged = mergeMonitorOptions(settingDefaults(), new Set(), config);
    const one = deviceSettings(merged, new Set(), config, 'capture1');
    const two = deviceSettings(merged, new Set(), config, 'capture2');
    expect(one).not.toEqual(two);
  });
});

describe('time spans in vpt.toml: the floor and ceiling of the table', () => {
  it.each([
    ['heartbeat', '"99999999999999999999h"', /heartbeat: "99999999999999999999h" is longer than its ceiling of 365d/],
    ['heartbeat', '"0.0000001ms"', /heartbeat: "0.0000001ms" is shorter than its floor of 1s/],
    ['sweep_interval', '"0.0000001ms"', /sweep_interval: .* is shorter than its floor of 1s/],
    ['min_event', '"0.0000001ms"', /min_event: "0.0000001ms" is finer than a millisecond/],
    ['stall_after', '"99999999999999999999h"', /stall_after: .* is longer than its ceiling/],
    ['keep_incidents', '"1s"', /keep_incidents: "1s" is shorter than its floor of 1h/],
  ])('%s = %s is refused with one line naming the key', (key, value, message) => {
    expect(() => parseConfig('vpt.toml', `[monitor]\n${key} = ${value}\n`)).toThrow(message);
  });

  it('heartbeat, keep_incidents, listen and alertmanager are keys of [monitor], not of a device', () => {
    const config = parseConfig('vpt.toml', '[monitor]\nheartbeat = "30d"\nkeep_incidents = "30d"\nlisten = "off"\nalertmanager = "http://127.0.0.1:9093"\n');
    expect(config.monitor).toMatchObject({ heartbeat: 30 * 86_400_000, keep_incidents: 30 * 86_400_000, listen: 'off' });
    expect(() => parseConfig('vpt.toml', '[devices.capture1]\nheartbeat = "1min"\n')).toThrow(/devices.capture1.heartbeat: unknown key/);
  });
});

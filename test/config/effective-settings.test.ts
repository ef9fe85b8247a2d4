import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config/parse-config.js';
import { deviceSettings, mergeMonitorOptions } from '../../src/core/config/effective-settings.js';
import { SettingsRegistry } from '../../src/core/config/settings-registry.js';
import { DEFAULT_DEVICE_SETTINGS } from '../../src/core/config/device-settings.js';

const config = parseConfig(
  'vpt.toml',
  '[monitor]\nclear_time = "2s"\nblack_threshold = 90\nfps = 4\n[devices.capture1]\nclear_time = "3s"\nfps = 2\naudio = false\nignore = [{ x = 0, y = 0, w = 100, h = 50 }]\nzap_banner_top = 576\n',
);
/** Flags as commander gives them: the defaults are there too, with source "default". */
const flags = { clearTime: 1000, blackThreshold: 85, minEvent: 5000, audio: true };

describe('effective settings: flag > [devices.<name>] > [monitor] > default', () => {
  it('fills in the file under flags that were not typed', () => {
    const merged = mergeMonitorOptions(flags, new Set(), config);
    expect(merged).toMatchObject({ clearTime: 2000, blackThreshold: 90, fps: 4, minEvent: 5000 });
    const one = deviceSettings(merged, new Set(), config, 'capture1');
    expect(one).toMatchObject({ clearTimeMs: 3000, fps: 2, audio: false, masks: [{ x: 0, y: 0, w: 100, h: 50 }] });
    expect(one.thresholds).toMatchObject({ blackPercent: 90, bannerTopPercent: 80 });
    const other = deviceSettings(merged, new Set(), config, 'capture9');
    expect(other).toMatchObject({ clearTimeMs: 2000, fps: 4, audio: true, masks: [] });
  });

  it('a flag given explicitly beats the file, device sections included', () => {
    const explicit = new Set(['clearTime', 'fps']);
    const merged = mergeMonitorOptions({ ...flags, clearTime: 500, fps: 5 }, explicit, config);
    expect(deviceSettings(merged, explicit, config, 'capture1')).toMatchObject({ clearTimeMs: 500, fps: 5, audio: false });
  });

  it('no file: the built-in defaults', () => {
    const merged = mergeMonitorOptions({}, new Set(), {});
    expect(deviceSettings(merged, new Set(), {}, 'capture1')).toEqual({ ...DEFAULT_DEVICE_SETTINGS, thresholds: {} });
  });
});

describe('SettingsRegistry', () => {
  it('swaps every device settings on replace, and a builder that throws changes nothing', () => {
    const registry = new SettingsRegistry(() => ({ ...DEFAULT_DEVICE_SETTINGS, clearTimeMs: 1000 }));
    const ref = registry.forDevice('capture1');
    registry.forDevice('capture2');
    registry.replace((device) => ({ ...DEFAULT_DEVICE_SETTINGS, clearTimeMs: device === 'capture1' ? 3000 : 4000 }));
    expect(ref.current.clearTimeMs).toBe(3000);
    expect(registry.forDevice('capture2').current.clearTimeMs).toBe(4000);
    expect(() =>
      registry.replace((device) => {
        if (device === 'capture2') throw new Error('bad');
        return { ...DEFAULT_DEVICE_SETTINGS, clearTimeMs: 9 };
      }),
    ).toThrow('bad');
    expect(ref.current.clearTimeMs).toBe(3000);
    expect(registry.size).toBe(2);
  });
});

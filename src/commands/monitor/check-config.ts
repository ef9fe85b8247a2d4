import type { DeviceSettings } from '../../core/config/device-settings.js';
import type { MonitorConfig } from '../../core/config/monitor-config.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import { formatDuration } from '../../core/units.js';
import type { Ui } from '../../ui.js';

/** The name --check-config gives the settings of a device the file and flags do not name. */
const OTHER_DEVICES = '*';

/** `vpt monitor --check-config`: the file was valid (errors were thrown before); show what each device gets. */
export function printCheckConfig(config: MonitorConfig, ui: Ui): void {
  const names = [...config.devices(), OTHER_DEVICES];
  const devices = Object.fromEntries(names.map((name) => [name, config.settingsFor(name)]));
  if (ui.json) {
    // Device names are keys of data; each device's settings are converted on their own.
    const settings = Object.fromEntries(Object.entries(devices).map(([name, s]) => [name, snakeCaseKeys(s)]));
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.checkConfig, file: config.file ?? null, valid: true, devices: settings }, null, 2));
    return;
  }
  ui.out(config.file ? `${config.file}: valid` : 'no config file (none named, /etc/vpt/vpt.toml absent): flags and built-in defaults');
  for (const [name, s] of Object.entries(devices)) {
    ui.out(`${name === OTHER_DEVICES ? '* (any other device)' : name}: ${describe(s)}`);
  }
}

function describe(s: DeviceSettings): string {
  const t = s.thresholds;
  const parts = [
    `fps ${s.fps ?? 'default'}`,
    `audio ${s.audio ? 'on' : 'off'}`,
    s.freezeRule === 'motion'
      ? `freeze rule motion (min area ${s.motionMinArea} px, pixel diff >= ${t.freezePixelDiff ?? 10})`
      : `freeze rule seed (${t.freezeSamePercent ?? 2}% of pixels differ by > ${t.freezePixelDiff ?? 10})`,
    `black > ${t.blackPercent ?? 85}% at luma <= ${t.darkLuma ?? 10}`,
    `min event ${formatDuration(s.minEventMs)}`,
    `clear time ${formatDuration(s.clearTimeMs)}`,
    `masks ${s.masks.length === 0 ? 'none' : s.masks.map((m) => `${m.w}x${m.h}+${m.x}+${m.y}`).join(' ')}`,
  ];
  if (t.bannerTopPercent !== undefined) parts.push(`zap banner from ${Math.round(t.bannerTopPercent * 10) / 10}% of the height`);
  if (s.stallAfterMs !== undefined) parts.push(`stall after ${formatDuration(s.stallAfterMs)}`);
  if (s.macroblocks) parts.push('macroblocks on');
  return parts.join(', ');
}

import type { Rect } from '../detectors/mask.js';
import type { DetectorThresholds, FreezeRule } from '../detectors/types.js';
import { CAPTURE_SIZE } from '../frames/frame-size.js';
import type { ConfigFile } from './config-schema.js';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from './device-settings.js';
import { TOML_ROWS } from './monitor-settings.js';

/**
 * Flags override the file: a value the operator typed (or set through the
 * environment) wins over `[devices.<name>]`, which wins over `[monitor]`,
 * which wins over the built-in default. Options are the flags' camelCase
 * names and units (milliseconds, bytes).
 */

export type FlatOptions = Record<string, unknown>;

/** TOML key -> options key, from the settings table. */
const KEY_OF_TOML = new Map(TOML_ROWS.map((row) => [row.toml!, row.key]));

function optionKeys(section: object | undefined): FlatOptions {
  return Object.fromEntries(Object.entries(section ?? {}).map(([k, v]) => [KEY_OF_TOML.get(k) ?? k, v]));
}

/** The monitor's options with `[monitor]` filled in under the explicit flags. */
export function mergeMonitorOptions(options: FlatOptions, explicit: ReadonlySet<string>, config: ConfigFile): FlatOptions {
  const merged = { ...options };
  for (const [key, value] of Object.entries(optionKeys(config.monitor))) {
    if (!explicit.has(key)) merged[key] = value;
  }
  return merged;
}

/** Devices the file names a section for (for --check-config). */
export function configuredDevices(config: ConfigFile): string[] {
  return Object.keys(config.devices ?? {});
}

/** One device's settings: `merged` (mergeMonitorOptions' result) with the device's section in between. */
export function deviceSettings(merged: FlatOptions, explicit: ReadonlySet<string>, config: ConfigFile, device: string): DeviceSettings {
  const o = { ...merged };
  for (const [key, value] of Object.entries(optionKeys(config.devices?.[device]))) {
    if (!explicit.has(key)) o[key] = value;
  }
  const d = DEFAULT_DEVICE_SETTINGS;
  const thresholds: Partial<DetectorThresholds> = {};
  if (typeof o.blackThreshold === 'number') thresholds.blackPercent = o.blackThreshold;
  if (typeof o.darkLuma === 'number') thresholds.darkLuma = o.darkLuma;
  if (typeof o.freezeThreshold === 'number') thresholds.freezeSamePercent = o.freezeThreshold;
  if (typeof o.freezePixelDiff === 'number') thresholds.freezePixelDiff = o.freezePixelDiff;
  if (typeof o.zapBannerTop === 'number') thresholds.bannerTopPercent = (o.zapBannerTop * 100) / CAPTURE_SIZE.height;
  return {
    thresholds,
    freezeRule: (o.freezeRule as FreezeRule | undefined) ?? d.freezeRule,
    motionMinArea: (o.motionMinArea as number | undefined) ?? d.motionMinArea,
    masks: (o.ignore as Rect[] | undefined) ?? d.masks,
    fps: o.fps as number | undefined,
    audio: o.audio !== false,
    macroblocks: o.macroblocks === true,
    minEventMs: (o.minEvent as number | undefined) ?? d.minEventMs,
    clearTimeMs: (o.clearTime as number | undefined) ?? d.clearTimeMs,
    minSilenceMs: (o.minSilence as number | undefined) ?? d.minSilenceMs,
    silenceDb: (o.silenceDb as number | undefined) ?? d.silenceDb,
    stallAfterMs: o.stallAfter as number | undefined,
  };
}

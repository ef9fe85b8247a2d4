import { DEFAULT_FREEZE_RULE, MOTION_MIN_AREA, type FreezeSettings } from '../detectors/freeze-judge.js';
import { CLEAR_TIME_MS, MIN_EVENT_MS } from '../events/event-tracker.js';
import { MIN_SILENCE_MS, SILENCE_DB } from '../audio/silence-runs.js';

/**
 * Everything one device is judged with: the detector thresholds, the freeze
 * rule, its masks, the event timing, and the few per-device switches a
 * config file may set. Built by effective-settings.ts from the built-in
 * defaults, the config file and the flags, in that order.
 */
export interface DeviceSettings extends FreezeSettings {
  /** undefined: the layout's default (5, VNC devices 2). */
  fps: number | undefined;
  audio: boolean;
  macroblocks: boolean;
  minEventMs: number;
  clearTimeMs: number;
  /** audio_loss's own minimum (--min-silence) and the level under which sound is silence (--silence-db). */
  minSilenceMs: number;
  silenceDb: number;
  /** The stall feature's setting (no frame for this long); passed through for it, undefined when not set. */
  stallAfterMs: number | undefined;
}

/**
 * A device's current settings. The pipeline holds the reference and reads
 * `current` on each frame, so a reload (SIGHUP) that swaps `current` takes
 * effect on the next frame without rebuilding the analyzer.
 */
export interface SettingsRef {
  current: DeviceSettings;
}

export const DEFAULT_DEVICE_SETTINGS: Readonly<DeviceSettings> = Object.freeze({
  thresholds: {},
  freezeRule: DEFAULT_FREEZE_RULE,
  motionMinArea: MOTION_MIN_AREA,
  masks: [],
  fps: undefined,
  audio: true,
  macroblocks: false,
  minEventMs: MIN_EVENT_MS,
  clearTimeMs: CLEAR_TIME_MS,
  minSilenceMs: MIN_SILENCE_MS,
  silenceDb: SILENCE_DB,
  stallAfterMs: undefined,
});

/** Settings that never change (a test, a tool): the defaults with `overrides`. */
export function fixedSettings(overrides: Partial<DeviceSettings> = {}): SettingsRef {
  return { current: { ...DEFAULT_DEVICE_SETTINGS, ...overrides } };
}

/** Where a pipeline gets each device's settings (the SettingsRegistry). */
export interface DeviceSettingsSource {
  forDevice(device: string): SettingsRef;
}

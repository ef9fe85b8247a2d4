import type { MonitorSettingValues } from '../../core/config/monitor-settings.js';
import type { SettingsRegistry } from '../../core/config/settings-registry.js';
import type { DetectorThresholds } from '../../core/detectors/types.js';

/** Options of `vpt monitor` as cli.ts parses them: the settings table's values (durations in ms) and the modes. */
export type MonitorOptions = MonitorSettingValues & {
  replay?: boolean;
  demo?: boolean;
  printUnit?: boolean;
  checkConfig?: boolean;
  /** Options given on the command line or in the environment (cli.ts): they beat the config file. */
  explicitOptions?: string[];
  /** Per-device settings from the config file and the flags (set by run()). */
  settings?: SettingsRegistry;
  /** Read the config file again (SIGHUP); resolves to a line to log, rejects with a ConfigError (set by run()). */
  reloadConfig?: () => Promise<string>;
  replace?: boolean;
  /** Move incidents.db aside (kept) and start a new one: the way out of a damaged database. */
  resetIncidents?: boolean;
};

/** The calibration flags, mapped onto the detectors' thresholds. */
export function thresholdsFrom(options: MonitorOptions): Partial<DetectorThresholds> {
  const t: Partial<DetectorThresholds> = {};
  if (options.blackThreshold !== undefined) t.blackPercent = options.blackThreshold;
  if (options.darkLuma !== undefined) t.darkLuma = options.darkLuma;
  if (options.freezeThreshold !== undefined) t.freezeSamePercent = options.freezeThreshold;
  if (options.freezePixelDiff !== undefined) t.freezePixelDiff = options.freezePixelDiff;
  return t;
}

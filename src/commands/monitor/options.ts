import type { MonitorSettingValues } from '../../core/config/monitor-settings.js';
import type { MonitorConfig } from '../../core/config/monitor-config.js';
import { SettingsRegistry } from '../../core/config/settings-registry.js';
import type { ActionSettings } from '../../core/actions/action-settings.js';

/** Options of `vpt monitor` as cli.ts parses them: the settings table's values (durations in ms) and the modes. */
export type MonitorOptions = MonitorSettingValues & {
  replay?: boolean;
  demo?: boolean;
  printUnit?: boolean;
  checkConfig?: boolean;
  /** Options given on the command line or in the environment (cli.ts): they beat the config file. */
  explicitOptions?: string[];
  replace?: boolean;
  /** Move incidents.db aside (kept) and start a new one: the way out of a damaged database. */
  resetIncidents?: boolean;
};

/** What live, --replay and --demo run with: the options and every device's settings, built from them (and the file) in one way. */
export type MonitorRunOptions = MonitorOptions & {
  /** Per-device settings: the config file's and the flags', or (--demo) the flags' alone. */
  settings: SettingsRegistry;
  /** Read the config file again (SIGHUP); resolves to a line to log, rejects with a ConfigError. */
  reloadConfig?: () => Promise<string>;
  /** `[actions]` of the config file as loaded now (swapped by reloadConfig). */
  actions?: () => ActionSettings;
};

/** The one way to the run options: the config's options (flags over the file) and a registry of its per-device settings. */
export function runOptionsFrom(config: MonitorConfig): MonitorRunOptions {
  return { ...(config.options as unknown as MonitorOptions), settings: new SettingsRegistry(config.settingsFor) };
}

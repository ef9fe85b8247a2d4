import type { ConfigFile } from './config-schema.js';
import type { DeviceSettings } from './device-settings.js';
import { configuredDevices, deviceSettings, mergeMonitorOptions, type FlatOptions } from './effective-settings.js';
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from './load-config.js';

/**
 * The monitor's settings as one value: the file read (if any), the options
 * with the file's `[monitor]` defaults under the explicit flags, and each
 * device's settings. Loading again (SIGHUP) builds a new value from the same
 * flags; the caller swaps it in only when it loaded without error.
 */
export interface MonitorConfig {
  /** The file read; undefined when none was named and the default path does not exist. */
  file: string | undefined;
  config: ConfigFile;
  /** The flags, with the file's defaults where no flag was given explicitly. */
  options: FlatOptions;
  settingsFor(device: string): DeviceSettings;
  /** Devices the settings talk about: the device list (flags or file) and every `[devices.<name>]`. */
  devices(): string[];
}

export interface MonitorConfigInput {
  /** The parsed flags (commander's values, defaults included). */
  options: FlatOptions;
  /** Options the operator gave (command line or environment): these beat the file. */
  explicit: readonly string[];
}

/** Read the config named by --config / VPT_CONFIG, else /etc/vpt/vpt.toml when it exists, and merge it with the flags. */
export async function loadMonitorConfig(input: MonitorConfigInput): Promise<MonitorConfig> {
  const named = typeof input.options.config === 'string' ? input.options.config : undefined;
  return monitorConfigOf(input, await loadConfig(named ?? DEFAULT_CONFIG_FILE, named !== undefined));
}

/** The settings of the flags alone, no file read: --demo (which never reads the service's file) and tests. */
export function monitorConfigWithoutFile(options: FlatOptions): MonitorConfig {
  return monitorConfigOf({ options, explicit: [] }, { file: undefined, config: {} });
}

function monitorConfigOf(input: MonitorConfigInput, { file, config }: LoadedConfig): MonitorConfig {
  const explicit = new Set(input.explicit);
  const options = mergeMonitorOptions(input.options, explicit, config);
  return {
    file,
    config,
    options,
    settingsFor: (device) => deviceSettings(options, explicit, config, device),
    devices: () => {
      const listed = Array.isArray(options.devices) ? (options.devices as string[]) : [];
      return [...new Set([...listed, ...configuredDevices(config)])];
    },
  };
}

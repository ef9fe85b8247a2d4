import type { SettingsRegistry } from '../../core/config/settings-registry.js';
import type { DetectorThresholds } from '../../core/detectors/types.js';

/** `--heartbeat` default: one line per device every 5 minutes. */
export const DEFAULT_HEARTBEAT_MS = 300_000;

/** Options of `vpt monitor` as cli.ts parses them (durations in ms). */
export interface MonitorOptions {
  devices?: string[];
  streamRoot: string;
  fps?: number;
  replay?: boolean;
  demo?: boolean;
  printUnit?: boolean;
  audio?: boolean;
  macroblocks?: boolean;
  minEvent?: number;
  blackThreshold?: number;
  darkLuma?: number;
  freezeThreshold?: number;
  freezePixelDiff?: number;
  freezeRule?: 'motion' | 'seed';
  motionMinArea?: number;
  clearTime?: number;
  /** --config / VPT_CONFIG. */
  config?: string;
  checkConfig?: boolean;
  /** Options given on the command line or in the environment (cli.ts): they beat the config file. */
  explicitOptions?: string[];
  /** Per-device settings from the config file and the flags (set by run()). */
  settings?: SettingsRegistry;
  /** Read the config file again (SIGHUP); resolves to a line to log, rejects with a ConfigError (set by run()). */
  reloadConfig?: () => Promise<string>;
  stateDir?: string;
  replace?: boolean;
  /** Move incidents.db aside (kept) and start a new one: the way out of a damaged database. */
  resetIncidents?: boolean;
  webhook?: string;
  listen?: string;
  alertmanager?: string;
  /** The page as people reach it: notifications link to incidents and clips there. */
  publicUrl?: string;
  incidentDelay: number;
  stallAfter?: number;
  heartbeat?: number;
  keepIncidents?: number;
  queueLimit: number;
  sweepInterval: number;
  memoryLogInterval: number;
  memoryAlert: number;
}

/** The calibration flags, mapped onto the detectors' thresholds. */
export function thresholdsFrom(options: MonitorOptions): Partial<DetectorThresholds> {
  const t: Partial<DetectorThresholds> = {};
  if (options.blackThreshold !== undefined) t.blackPercent = options.blackThreshold;
  if (options.darkLuma !== undefined) t.darkLuma = options.darkLuma;
  if (options.freezeThreshold !== undefined) t.freezeSamePercent = options.freezeThreshold;
  if (options.freezePixelDiff !== undefined) t.freezePixelDiff = options.freezePixelDiff;
  return t;
}

import type { DetectorThresholds } from '../../core/detectors/types.js';

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
  stateDir?: string;
  replace?: boolean;
  webhook?: string;
  incidentDelay: number;
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

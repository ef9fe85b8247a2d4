import type { DetectorThresholds } from '../core/detectors/types.js';
import { EXIT, UsageError } from '../core/errors.js';
import type { Ui } from '../ui.js';
import { printReplaySummary } from './monitor/replay-report.js';

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
}

/** How often the progress spinner's text is refreshed. */
const PROGRESS_REFRESH_MS = 200;

/** The calibration flags, mapped onto the detectors' thresholds. */
export function thresholdsFrom(options: MonitorOptions): Partial<DetectorThresholds> {
  const t: Partial<DetectorThresholds> = {};
  if (options.blackThreshold !== undefined) t.blackPercent = options.blackThreshold;
  if (options.darkLuma !== undefined) t.darkLuma = options.darkLuma;
  if (options.freezeThreshold !== undefined) t.freezeSamePercent = options.freezeThreshold;
  if (options.freezePixelDiff !== undefined) t.freezePixelDiff = options.freezePixelDiff;
  return t;
}

export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as unknown as MonitorOptions;
  if (options.replay) return runReplay(options, ui);
  if (options.demo) throw new UsageError('vpt monitor --demo is not yet implemented in this version');
  if (options.printUnit) throw new UsageError('vpt monitor --print-unit is not yet implemented in this version');
  throw new UsageError('live monitoring is not yet implemented in this version: use vpt monitor --replay');
}

async function runReplay(options: MonitorOptions, ui: Ui): Promise<number> {
  // sharp is heavy: loaded only when frames are analysed.
  const { replay } = await import('../core/replay.js');
  // A terminal that reports 0 columns (a pty with no size: `script`, some CI runners) makes ora
  // count Infinity lines to clear and loop forever; no spinner there.
  const showProgress = ui.stderrIsTTY && !ui.json && !ui.quiet && (process.stderr.columns ?? 0) > 0;
  const spinner = showProgress ? (await import('ora')).default({ text: 'replay: listing frames', stream: process.stderr }).start() : undefined;
  const progress = new Map<string, { done: number; total: number }>();
  let lastRefresh = 0;
  const warn = (message: string) => {
    spinner?.clear();
    ui.logger.warn(message);
    spinner?.render();
  };
  try {
    const summary = await replay({
      streamRoot: options.streamRoot,
      devices: options.devices,
      fps: options.fps,
      thresholds: thresholdsFrom(options),
      macroblocks: options.macroblocks === true,
      minEventMs: options.minEvent,
      onProgress: ({ device, done, total }) => {
        progress.set(device, { done, total });
        const now = performance.now();
        if (!spinner || now - lastRefresh < PROGRESS_REFRESH_MS) return;
        lastRefresh = now;
        spinner.text = `replay: ${[...progress].map(([d, p]) => `${d} ${p.done}/${p.total}`).join(', ')}`;
      },
      onFrameError: (device, fileName, error) => warn(`[${device}] ${fileName}: ${error}`),
      onWarning: warn,
      onRecord: (record) => {
        if (ui.verbose) ui.logger.debug(`[${record.device}] ${record.kind}${'type' in record ? ` ${record.type}` : ''} at frame ${record.startSequence}`);
      },
    });
    spinner?.stop();
    if (ui.json) ui.out(JSON.stringify(summary, null, 2));
    else if (!ui.quiet) printReplaySummary(summary, ui);
    const partial = summary.errors > 0 || summary.devices.length === 0 || summary.devices.some((d) => d.missing);
    return partial ? EXIT.warning : EXIT.ok;
  } finally {
    spinner?.stop();
  }
}

import { takeHealthSample } from '../core/investigate/health.js';
import type { Ui } from '../ui.js';
import { normaliseOptions, probeContext, type InvestigateOptions } from './investigate/options.js';

/**
 * `vpt investigate`: the full crash report (default), one cheap health
 * sample (--health), or installing the 30 s sampling (--install/--uninstall).
 * The report and install code are imported only when used, so --health
 * loads as little as possible.
 */

export async function run(options: Record<string, unknown>, ui: Ui): Promise<number> {
  const opts = normaliseOptions(options);
  if (opts.install || opts.uninstall) {
    const { runInstall } = await import('./investigate-install.js');
    return runInstall(opts, ui);
  }
  if (opts.health) return runHealth(opts, ui);
  const { runReport } = await import('./investigate-report.js');
  return runReport(opts, ui);
}

async function runHealth(opts: InvestigateOptions, ui: Ui): Promise<number> {
  const result = await takeHealthSample(probeContext(opts, ui), {
    logDir: opts.logDir,
    memoryAlertBytes: opts.memoryAlertBytes,
    forSamples: opts.forSamples,
    promFile: opts.promFile,
  });
  if (ui.json) ui.out(JSON.stringify(result.sample));
  // Under -q (the timer, cron) an OK sample prints nothing: the journal and cron mail stay quiet.
  else if (!ui.quiet || result.sample.status !== 'OK') ui.out(result.nagiosLine);
  if (ui.verbose) ui.err(result.logText.trimEnd());
  return result.exitCode;
}

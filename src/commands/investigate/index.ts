import type { Ui } from '../../ui.js';
import { normaliseOptions } from './options.js';

/**
 * `vpt investigate`: the full crash report (default), one cheap health
 * sample (--health), or installing the 30 s sampling (--install/--uninstall).
 * Each mode's code is imported only when used, so --health loads as little
 * as possible (the health entry, src/health-entry.ts, skips even this module).
 */
export async function run(options: Record<string, unknown>, ui: Ui): Promise<number> {
  const opts = normaliseOptions(options);
  if (opts.install || opts.uninstall) {
    const { runInstall } = await import('./install.js');
    return runInstall(opts, ui);
  }
  if (opts.health) {
    const { runHealth } = await import('./health.js');
    return runHealth(opts, ui);
  }
  const { runReport } = await import('./report.js');
  return runReport(opts, ui);
}

import { takeHealthSample } from '../../core/investigate/health.js';
import { healthSampleJson } from '../../core/investigate/health-sample-json.js';
import type { Ui } from '../../ui.js';
import { probeContext, type InvestigateOptions } from './options.js';

/** What a health sample needs of the terminal: no colour (the Nagios line has none), no spinner. */
export type HealthUi = Pick<Ui, 'json' | 'quiet' | 'verbose' | 'out' | 'err' | 'logger'>;

/** `vpt investigate --health`: one sample, one Nagios line (or JSON), the Nagios exit code. */
export async function runHealth(opts: InvestigateOptions, ui: HealthUi): Promise<number> {
  const result = await takeHealthSample(probeContext(opts, ui), {
    logDir: opts.logDir,
    memoryAlertBytes: opts.memoryAlertBytes,
    forSamples: opts.forSamples,
    promFile: opts.promFile,
    cacheDirs: opts.cacheDirs,
  });
  if (ui.json) ui.out(JSON.stringify(healthSampleJson(result.sample)));
  // Under -q (the timer, cron) an OK sample prints nothing: the journal and cron mail stay quiet.
  else if (!ui.quiet || result.sample.status !== 'OK') ui.out(result.nagiosLine);
  if (ui.verbose) ui.err(result.logText.trimEnd());
  return result.exitCode;
}

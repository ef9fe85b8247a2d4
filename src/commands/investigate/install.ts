import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { applyInstall, checkInstallable, planInstall, type InstallAction } from '../../core/systemd/health-install.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import { lazyRunProgram } from '../../core/probes/context.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES } from '../../core/probes/types.js';
import { formatSizeExact } from '../../core/units.js';
import type { Ui } from '../../ui.js';
import type { InvestigateOptions } from './options.js';

/** --install / --uninstall [--cron] [--dry-run] [--root DIR]. */

/**
 * The sample command with absolute paths: this node and this vpt (systemd's
 * PATH may not hold node, so `#!/usr/bin/env node` alone is not enough), and
 * every setting the operator gave, so the timer samples what they asked for.
 */
export function sampleCommand(opts: InvestigateOptions): string[] {
  const script = process.argv[1] ? realpathSync(process.argv[1]) : 'vpt';
  const command = [process.execPath, script, 'investigate', '--health', '-q', '--log-dir', opts.logDir, '--stream-root', opts.streamRoot];
  if (opts.patternsGiven) command.push('--processes', opts.patterns.join(','));
  if (opts.memoryAlertBytes !== DEFAULT_TRACKED_MEMORY_ALERT_BYTES) command.push('--memory-alert', formatSizeExact(opts.memoryAlertBytes));
  if (opts.forSamples !== 1) command.push('--for', String(opts.forSamples));
  if (opts.promFile) command.push('--prom', opts.promFile);
  if (opts.cacheDirs) command.push('--cache-dirs', opts.cacheDirs.join(','));
  return command;
}

function describe(action: InstallAction, dryRun: boolean): string {
  const verb = (now: string, later: string) => (dryRun ? later : now);
  if (action.kind === 'write') return `${verb('wrote', 'would write')} ${action.path}`;
  if (action.kind === 'remove') return `${verb('removed', 'would remove')} ${action.path}`;
  return `${verb('ran', 'would run')}: ${action.command.join(' ')}`;
}

export async function runInstall(opts: InvestigateOptions, ui: Ui): Promise<number> {
  const request = {
    mode: opts.install ? ('install' as const) : ('uninstall' as const),
    cron: opts.cron,
    root: opts.root,
    command: sampleCommand(opts),
    user: userInfo().username,
    isRoot: process.getuid?.() === 0,
    run: lazyRunProgram,
  };
  const actions = await planInstall(request);
  if (!opts.dryRun) {
    await checkInstallable(request);
    await applyInstall(actions, lazyRunProgram);
  }
  if (ui.json) {
    ui.out(
      JSON.stringify({ schema_version: SCHEMA_VERSION.investigateInstall, ...(snakeCaseKeys({ mode: request.mode, dryRun: opts.dryRun, actions }) as object) }),
    );
    return 0;
  }
  if (actions.length === 0) {
    if (!ui.quiet) ui.out('health sampling is not installed: nothing to remove');
    return 0;
  }
  for (const action of actions) {
    if (ui.quiet && !opts.dryRun) continue;
    ui.out(describe(action, opts.dryRun));
    if (opts.dryRun && action.kind === 'write') ui.out(action.content.replace(/^/gm, '    ').trimEnd());
  }
  return 0;
}

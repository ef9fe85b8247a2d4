import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { PermissionError, UsageError } from '../../core/errors.js';
import { renderDropIn } from '../../core/journald/drop-in.js';
import { limitValuesFromOptions } from '../../core/journald/limits.js';
import { resolveDevices } from '../../core/layout/stream-layout.js';
import { DEFAULT_STREAM_ROOT } from '../../core/layout/stream-root.js';
import { defaultPromFile } from '../../core/metrics/textfile-dir.js';
import { lazyRunProgram } from '../../core/probes/context.js';
import { systemdRunning } from '../../core/probes/services.js';
import { applySetup, installActions, uninstallActions, type SetupAction } from '../../core/setup/setup-apply.js';
import { inRoot, readManifest } from '../../core/setup/setup-manifest.js';
import { LOG_DIR, MANIFEST_PATH, planSetup } from '../../core/setup/setup-plan.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';
import { normaliseOptions } from '../investigate/options.js';
import { sampleCommand } from '../investigate/install.js';

/**
 * `vpt setup`: the monitor service, the health and tmp-clean timers, the journald drop-in and the
 * folders, in one idempotent run; --dry-run, --root DIR, --uninstall (from the manifest).
 */
export async function run(options: Record<string, unknown>, ui: Ui): Promise<number> {
  const rootGiven = typeof options.root === 'string';
  const root = rootGiven ? path.resolve(options.root as string) : '/';
  if (rootGiven && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--root: ${root} is not a folder; create it first, e.g. mkdir -p ${root}`);
  }
  const live = !rootGiven;
  const dryRun = options.dryRun === true;
  if (live && !dryRun && process.getuid?.() !== 0) {
    throw new PermissionError('vpt setup writes to /etc and runs systemctl: run it with sudo (or --dry-run to see every step, or --root DIR to stage a tree)');
  }
  const manifest = await readManifest(await inRoot(root, MANIFEST_PATH));
  const notes: string[] = [];
  let actions: SetupAction[];
  if (options.uninstall === true) {
    if (!manifest) {
      report(ui, [], dryRun, { notes: [`vpt setup has not installed anything here (no ${path.join(root, MANIFEST_PATH)}): nothing to remove`] });
      return 0;
    }
    actions = await uninstallActions(root, manifest, live);
  } else {
    const cron = options.cron === true || (live && !(await systemdRunning('/')));
    if (cron) notes.push('no systemd here (or --cron): the timers go to /etc/cron.d; no monitor service and no journald drop-in');
    const inputs = await setupInputs(options, root, cron, notes);
    actions = await installActions(root, planSetup(inputs), manifest, live && !cron);
    if (rootGiven && !cron)
      notes.push(`staged under ${root}: enable in the image with systemctl --root ${root} enable vpt-monitor.service vpt-health.timer vpt-tmp-clean.timer`);
  }
  if (!dryRun) await applySetup(root, actions, lazyRunProgram);
  report(ui, actions, dryRun, { notes, uninstall: options.uninstall === true, root });
  return actions.some((a) => a.kind === 'keep' && options.uninstall === true) ? 1 : 0;
}

async function setupInputs(options: Record<string, unknown>, root: string, cron: boolean, notes: string[]) {
  const streamRoot = typeof options.streamRoot === 'string' ? path.resolve(options.streamRoot) : DEFAULT_STREAM_ROOT;
  const given = options.devices as string[] | undefined;
  let devices: string[] | undefined;
  try {
    devices = (await resolveDevices(path.join(root, streamRoot), given)).map((d) => d.name);
  } catch {
    devices = undefined;
  }
  if (devices?.length === 0) devices = undefined;
  if (!cron)
    notes.push(
      devices
        ? `devices: ${devices.join(', ')} (${given ? 'given' : `found under ${streamRoot}`})`
        : `no device found under ${streamRoot}: the monitor finds them at each start`,
    );
  let prom = options.prom as string | undefined;
  if (prom === undefined) {
    try {
      prom = defaultPromFile(root);
    } catch {
      notes.push('no node_exporter textfile folder: the health sample writes no metrics (give --prom FILE)');
    }
  }
  if (prom) notes.push(`health metrics: ${prom}`);
  const health = normaliseOptions({ health: true, logDir: LOG_DIR, streamRoot, prom });
  const script = process.argv[1] ? realpathSync(process.argv[1]) : 'vpt';
  if (/[\u0000-\u001f\u007f]/.test(script)) throw new UsageError(`the vpt path "${escapeOutside(script)}" contains a control character`);
  return {
    node: process.execPath,
    vpt: script,
    devices,
    monitorArgs: streamRoot === DEFAULT_STREAM_ROOT ? [] : ['--stream-root', streamRoot],
    healthCommand: sampleCommand(health),
    journaldDropIn: renderDropIn(limitValuesFromOptions(options.journaldLimits as Record<string, unknown>), false),
    cron,
  };
}

function report(ui: Ui, actions: readonly SetupAction[], dryRun: boolean, extra: { notes: string[]; uninstall?: boolean; root?: string }): void {
  if (ui.json) {
    ui.out(
      JSON.stringify({ mode: extra.uninstall ? 'uninstall' : 'install', dryRun, changed: actions.some((a) => a.kind !== 'keep'), actions, notes: extra.notes }),
    );
    return;
  }
  const shown = (p: string) => (extra.root && extra.root !== '/' ? path.join(extra.root, p) : p);
  const verb = (now: string, later: string) => (dryRun ? later : now);
  for (const action of actions) {
    if (ui.quiet && !dryRun && action.kind !== 'keep') continue;
    if (action.kind === 'run') ui.out(`${verb('ran', 'would run')}: ${action.command.join(' ')}`);
    else if (action.kind === 'keep') ui.out(`kept ${shown(action.path)}: ${action.reason}`);
    else {
      const words = {
        mkdir: ['created', 'would create'],
        write: ['wrote', 'would write'],
        remove: ['removed', 'would remove'],
        rmdir: ['removed', 'would remove'],
      }[action.kind];
      ui.out(`${verb(words[0]!, words[1]!)} ${shown(action.path)}${action.kind === 'mkdir' || action.kind === 'rmdir' ? '/' : ''}`);
      if (dryRun && action.kind === 'write') ui.out(action.content.replace(/^/gm, '    ').trimEnd());
    }
  }
  if (ui.quiet) return;
  for (const note of extra.notes) ui.out(note);
  if (!actions.some((a) => a.kind !== 'keep')) ui.out(extra.uninstall ? 'nothing to remove' : 'everything is already in place: nothing changed');
}

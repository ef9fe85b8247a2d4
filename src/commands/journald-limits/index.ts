import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXIT, PermissionError, UsageError, errnoCode } from '../../core/errors.js';
import { dropInPath, isDropInCurrent, renderDropIn, writeDropIn, type WriteDropInResult } from '../../core/journald/drop-in.js';
import { inspectJournald, inspectionToJson } from '../../core/journald/inspect.js';
import { limitValuesFromOptions } from '../../core/journald/limits.js';
import { PERSISTENT_JOURNAL_DIR } from '../../core/journald/storage.js';
import { restartJournald, type RestartResult } from '../../core/journald/restart.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import type { Ui } from '../../ui.js';
import { printInspection } from './report.js';

/**
 * `vpt journald-limits`: check (exit 0 compliant, 1 not), --dry-run, or
 * --apply the drop-in, restart journald and verify by checking again.
 */
export async function run(options: Record<string, unknown>, ui: Ui): Promise<number> {
  // Every value is validated before anything is read or written.
  const values = limitValuesFromOptions(options);
  const persistent = options.persistent === true;
  const rootGiven = typeof options.root === 'string';
  const root = rootGiven ? await existingRoot(options.root as string) : '/';
  const content = renderDropIn(values, persistent);

  if (options.dryRun === true) {
    const target = dropInPath(root);
    const current = await isDropInCurrent(root, content);
    const journalDir = persistent ? path.join(root, PERSISTENT_JOURNAL_DIR) : undefined;
    if (ui.json) {
      ui.out(jsonOut({ mode: 'dry-run', path: target, content, wouldChange: !current, journalDir: journalDir ?? null }));
    } else {
      ui.out(`Would write ${target}${current ? ' (already identical: nothing would change)' : ''}:`);
      ui.out(content.trimEnd());
      if (journalDir) ui.out(`Would create ${journalDir} (if missing) for the persistent journal.`);
      if (!rootGiven && options.restart !== false && !current) ui.out('Would then restart systemd-journald.');
    }
    return EXIT.ok;
  }

  if (options.apply !== true) {
    const inspection = await inspectJournald(root, values, persistent);
    if (ui.json) ui.out(jsonOut({ mode: 'check', ...inspectionToJson(inspection) }));
    else printInspection(ui, inspection, { fixHint: true });
    return inspection.compliance.compliant ? EXIT.ok : EXIT.warning;
  }

  if (!rootGiven && process.getuid?.() !== 0) {
    throw new PermissionError(
      `writing ${dropInPath('/')} needs root: run \`sudo vpt journald-limits --apply${persistent ? ' --persistent' : ''}\` (or --dry-run to see the file)`,
    );
  }
  const written = await writeDropIn(root, content, persistent);
  const restart = await maybeRestart(written, rootGiven, options.restart !== false);
  const inspection = await inspectJournald(root, values, persistent);
  const compliant = inspection.compliance.compliant;
  if (ui.json) {
    ui.out(jsonOut({ mode: 'apply', dropIn: { ...written, content }, restart, ...inspectionToJson(inspection) }));
  } else {
    printApply(ui, written, restart);
    printInspection(ui, inspection, { fixHint: false });
    if (!compliant)
      ui.out(
        ui.color.yellow(
          'The drop-in is in place, but the effective settings are still not compliant: see the sources above (a later drop-in may override it).',
        ),
      );
  }
  if (restart.attempted && !restart.ok) {
    ui.err(
      `vpt: ${restart.message}; the drop-in ${written.path} stays in place: run \`sudo systemctl restart systemd-journald\` (or reboot) for it to take effect`,
    );
    return EXIT.warning;
  }
  return compliant ? EXIT.ok : EXIT.warning;
}

interface RestartOutcome extends Partial<RestartResult> {
  attempted: boolean;
  /** Why no restart was attempted. */
  skipped?: string;
}

async function maybeRestart(written: WriteDropInResult, rootGiven: boolean, wanted: boolean): Promise<RestartOutcome> {
  // Under --root the running journald is not the one configured: never touch it.
  if (rootGiven) return { attempted: false, skipped: 'root' };
  if (!wanted) return { attempted: false, skipped: 'no-restart' };
  if (!written.changed) return { attempted: false, skipped: 'unchanged' };
  return { attempted: true, ...(await restartJournald()) };
}

function printApply(ui: Ui, written: WriteDropInResult, restart: RestartOutcome): void {
  if (ui.quiet) return;
  ui.out(written.changed ? `Wrote ${written.path}` : `${written.path} unchanged (it already holds these limits)`);
  if (written.journalDir) ui.out(`${written.journalDir.created ? 'Created' : 'Kept'} ${written.journalDir.path} for the persistent journal`);
  if (restart.attempted && restart.ok) ui.out(ui.color.green('Restarted systemd-journald'));
  else if (restart.skipped === 'root') ui.out('Not restarting systemd-journald (--root: the running journald does not read that tree)');
  else if (restart.skipped === 'no-restart')
    ui.out('Not restarting systemd-journald (--no-restart): run `sudo systemctl restart systemd-journald` for the limits to take effect');
  else if (restart.skipped === 'unchanged') ui.out('Not restarting systemd-journald: nothing changed');
  ui.out('');
}

async function existingRoot(root: string): Promise<string> {
  try {
    if ((await fs.stat(root)).isDirectory()) return path.resolve(root);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR') throw err;
  }
  throw new UsageError(`--root: ${root} is not a folder; give the root of the tree to inspect, e.g. --root ./image-root`);
}

/** journald's own setting names (`SystemMaxUse`) are data: they keep journald's spelling. */
const JOURNALD_NAMED_MAPS = new Set(['settings']);

/** `--json`: snake_case, versioned (docs/schemas/journald-limits.schema.json). */
function jsonOut(body: Record<string, unknown>): string {
  return JSON.stringify({ schema_version: SCHEMA_VERSION.journaldLimits, ...(snakeCaseKeys(body, JOURNALD_NAMED_MAPS) as object) }, null, 2);
}

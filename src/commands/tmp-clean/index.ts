import { EXIT } from '../../core/errors.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import { cleanTmp } from '../../core/tmp-clean/clean.js';
import { SKIP_TEXT, type CleanResult, type SkipReason } from '../../core/tmp-clean/types.js';
import { formatSize } from '../../core/units.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';

/** Flags of `vpt tmp-clean` as src/cli.ts parses them (durations already in ms). */
export interface TmpCleanOptions {
  dir: string;
  pattern?: string[];
  olderThan: number;
  dryRun?: boolean;
}

/**
 * Exit 0 when every matching file was removed or rightly skipped, 1 when at
 * least one could not be removed (the run still finishes), 2 for a bad
 * --dir or --pattern (thrown as UsageError before anything is touched).
 */
export async function run(options: Record<string, unknown>, ui: Ui): Promise<number> {
  const flags = options as unknown as TmpCleanOptions;
  const result = await cleanTmp({
    dir: flags.dir,
    patterns: flags.pattern ?? [],
    olderThanMs: flags.olderThan,
    dryRun: flags.dryRun === true,
  });
  if (ui.json) {
    // Skip reasons are data (`not-regular-file`): they keep their spelling.
    const body = snakeCaseKeys(result, new Set(['skippedByReason'])) as object;
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.tmpClean, ...body }, null, 2));
  } else printHuman(result, ui);
  return result.errors.length > 0 ? EXIT.warning : EXIT.ok;
}

function printHuman(result: CleanResult, ui: Ui): void {
  const { color } = ui;
  const verb = result.dryRun ? 'would remove' : 'removed';
  // File names are printed escaped: a name with a newline must not forge an output line.
  for (const removal of result.removed) {
    ui.out(`${verb} ${escapeOutside(removal.path)}${removal.kind === 'folder' ? '/' : ''} (${removal.bytes} bytes)`);
  }
  for (const error of result.errors) {
    ui.err(color.red(`vpt: cannot remove ${escapeOutside(error.path)}: ${error.message} (${error.code})`));
  }
  if (ui.verbose) {
    for (const skip of result.skipped) ui.err(`skipped ${escapeOutside(skip.path)}: ${SKIP_TEXT[skip.reason]}`);
    const unlisted = skippedCount(result) - result.skipped.length;
    if (unlisted > 0) ui.err(`skipped ${unlisted} more, counted below but not listed`);
  }
  if (result.truncated) {
    ui.err(color.yellow(`vpt: stopped after the per-run limit of matching entries in ${escapeOutside(result.dir)}; the next run continues`));
  }
  const somethingHappened = result.removed.length > 0 || result.errors.length > 0;
  if (ui.quiet && !somethingHappened) return;
  const entries = `${result.removed.length} ${result.removed.length === 1 ? 'entry' : 'entries'}`;
  const total = `${result.totalBytes} bytes (${formatSize(result.totalBytes)}) in ${entries}`;
  const summary = result.removed.length === 0 ? `nothing to remove in ${escapeOutside(result.dir)}` : result.dryRun ? `would free ${total}` : `freed ${total}`;
  const skipped = skippedCount(result);
  const skips = skipped > 0 ? `; skipped ${skipped}: ${skipSummary(result)}` : '';
  ui.out(result.errors.length > 0 ? `${summary}; ${result.errors.length} failed${skips}` : color.green(`${summary}${skips}`));
}

function skippedCount(result: CleanResult): number {
  return Object.values(result.skippedByReason).reduce((sum, n) => sum + n, 0);
}

/** "2 too young, 1 symlink (never followed)": the commonest reason first. */
function skipSummary(result: CleanResult): string {
  return (Object.entries(result.skippedByReason) as [SkipReason, number][])
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${SKIP_TEXT[reason]}`)
    .join(', ');
}

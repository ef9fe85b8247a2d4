import type { LimitCheck } from '../../core/journald/compliance.js';
import type { JournaldInspection } from '../../core/journald/inspect.js';
import { describeDirUsage } from '../../core/journald/usage.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';

/** Human text for `vpt journald-limits` check mode and the verification after --apply. */
export function printInspection(ui: Ui, inspection: JournaldInspection, options: { fixHint: boolean }): void {
  const { config, storage, usage, compliance } = inspection;
  const c = ui.color;
  const failing = compliance.limits.filter((l) => l.status === 'not compliant');
  if (ui.quiet) {
    // Cron-friendly: silent when compliant, only what is wrong otherwise.
    for (const line of limitLines(ui, failing)) ui.out(line);
    if (failing.length > 0) ui.out(summary(ui, failing.length, compliance.limits, options.fixHint));
    return;
  }
  ui.out(c.bold(`journald configuration${config.root === '/' ? '' : ` under ${config.root}`}`));
  ui.out(`  main file  ${config.files.main !== undefined ? escapeOutside(config.files.main) : 'none (journald uses its built-in defaults)'}`);
  for (const d of config.files.dropIns) {
    const note =
      d.status === 'disabled'
        ? ' (link to /dev/null or empty: disabled)'
        : d.status === 'shadowed'
          ? ` (hidden by ${escapeOutside(d.by ?? '')})`
          : d.status === 'ignored'
            ? ' (not a readable file: ignored)'
            : '';
    const line = `  ${d.status.padEnd(9)}  ${escapeOutside(d.path)}${note}`;
    ui.out(d.status === 'used' ? line : c.dim(line));
  }
  if (config.files.dropIns.length === 0) ui.out('  drop-ins   none');
  for (const w of config.warnings) ui.out(c.yellow(`  warning    ${escapeOutside(w.file)}:${w.line}: ${escapeOutside(w.message)}`));

  ui.out('');
  ui.out(`${c.bold('Storage')}  ${storage.mode} (${storage.source})`);
  ui.out(`  ${storage.location === 'disk' ? storage.note : c.yellow(storage.note)}`);
  ui.out(`${c.bold('Usage')}    RAM ${describeDirUsage(usage.ram)}; disk ${describeDirUsage(usage.disk)}`);

  const others = [...config.settings].filter(([key]) => key !== 'Storage' && !compliance.limits.some((l) => l.key === key));
  if (others.length > 0) {
    ui.out('');
    ui.out(c.bold('Other settings'));
    for (const [key, s] of others) ui.out(`  ${`${key}=${s.value}`.padEnd(32)} ${s.source}:${s.line}`);
  }

  ui.out('');
  ui.out(c.bold('Limits'));
  for (const line of limitLines(ui, compliance.limits)) ui.out(line);
  ui.out('');
  ui.out(summary(ui, failing.length, compliance.limits, options.fixHint));
}

function limitLines(ui: Ui, limits: readonly LimitCheck[]): string[] {
  const c = ui.color;
  return limits.map((l) => {
    const current = l.current === undefined ? 'unset' : l.current;
    const source = l.source === 'default' ? 'default' : escapeOutside(l.source);
    // Pad before colouring: ANSI codes would count as width.
    const padded = l.status.padEnd(13);
    const status = l.status === 'ok' ? c.green(padded) : l.status === 'not compliant' ? c.yellow(padded) : c.dim(padded);
    const reason = l.reason === '' ? '' : `  (${l.reason})`;
    return `  ${l.key.padEnd(21)} ${current.padEnd(10)} ${l.comparison} ${l.recommended.padEnd(10)} ${status} from ${source}${reason}`;
  });
}

function summary(ui: Ui, failing: number, limits: readonly LimitCheck[], fixHint: boolean): string {
  const counted = limits.filter((l) => l.status !== 'not counted').length;
  if (failing === 0) return ui.color.green(`Compliant: all ${counted} counted limits are within the recommendation.`);
  const fix = fixHint ? ' Fix: sudo vpt journald-limits --apply' : '';
  return ui.color.yellow(`Not compliant: ${failing} of ${counted} counted limits.${fix}`);
}

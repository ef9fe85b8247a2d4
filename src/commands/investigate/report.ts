import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Chalk } from 'chalk';
import { writeFileAtomic } from '../../core/fs/atomic-write.js';
import { EXIT, VptError, errnoCode } from '../../core/errors.js';
import { compactDateTime } from '../../core/investigate/local-time.js';
import { buildReport } from '../../core/investigate/report.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import { renderReport } from './report-text.js';
import type { Report } from '../../core/investigate/report-types.js';
import type { Ui } from '../../ui.js';
import { probeContext, type InvestigateOptions } from './options.js';

/** The full report: spinner while probes run (TTY only), colour on screen, plain text in the log dir. */

const EXIT_BY_STATUS = { ok: EXIT.ok, unavailable: EXIT.ok, warn: EXIT.warning, critical: EXIT.critical } as const;

async function save(logDir: string, report: Report): Promise<string> {
  const file = path.join(logDir, `investigation_${compactDateTime(new Date(report.generatedAt))}.txt`);
  try {
    await mkdir(logDir, { recursive: true });
    await writeFileAtomic(file, renderReport(report, new Chalk({ level: 0 })));
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
    throw new VptError(`cannot save the report to ${logDir}: ${why}; use --log-dir with a writable folder`, EXIT.unknown);
  }
  return file;
}

/** One -q line: `warn: <section>: <label>: <detail>`, without the label when the section title already says it. */
function quietLine(title: string, check: { status: string; label: string; detail: string }): string {
  const label = title.toLowerCase().includes(check.label.toLowerCase()) ? '' : `${check.label}: `;
  return `${check.status}: ${title}: ${label}${check.detail}`;
}

export async function runReport(opts: InvestigateOptions, ui: Ui): Promise<number> {
  const ctx = probeContext(opts, ui);
  const spinner =
    ui.stderrIsTTY && !ui.json && !ui.quiet
      ? (await import('ora')).default({ text: 'investigating: memory, processes, tmpfs, kernel log, journal...', stream: process.stderr }).start()
      : undefined;
  let report: Report;
  try {
    report = await buildReport(ctx, { logDir: opts.logDir, memoryAlertBytes: opts.memoryAlertBytes, trendRules: opts.trendRules });
  } finally {
    spinner?.stop();
  }
  report.savedTo = await save(opts.logDir, report);
  if (ui.verbose) for (const p of report.probes) ui.err(`probe ${p.name}: ${p.ok ? 'ok' : `unavailable (${p.error})`} in ${Math.round(p.durationMs)} ms`);
  if (ui.json) {
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.investigateReport, ...(snakeCaseKeys(report) as object) }));
  } else if (ui.quiet) {
    for (const section of report.sections) {
      for (const check of section.checks) {
        if (check.status === 'warn' || check.status === 'critical') ui.out(quietLine(section.title, check));
      }
    }
  } else {
    ui.out(renderReport(report, ui.color).trimEnd());
    ui.out(`\nsaved to ${report.savedTo}`);
  }
  return EXIT_BY_STATUS[report.status];
}

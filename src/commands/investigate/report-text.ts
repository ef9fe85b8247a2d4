import type { ChalkInstance } from 'chalk';
import type { CheckStatus, Report } from '../../core/investigate/report-types.js';
import { escapeOutside } from '../../core/text/escape-outside.js';

/**
 * The report as text. With a colour chalk it is what the terminal shows;
 * with a level-0 chalk it is the plain text saved to the log dir.
 */

const MARK: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', critical: 'CRITICAL', unavailable: 'unavailable' };
const LABEL_WIDTH = 28;

function paint(color: ChalkInstance, status: CheckStatus, text: string): string {
  if (status === 'critical') return color.red.bold(text);
  if (status === 'warn') return color.yellow(text);
  if (status === 'unavailable') return color.dim(text);
  return color.green(text);
}

export function renderReport(report: Report, color: ChalkInstance): string {
  const out: string[] = [];
  out.push(color.bold(`vpt investigation - ${escapeOutside(report.host)} - ${report.localTime}`));
  out.push(`overall: ${paint(color, report.status, MARK[report.status])}`);
  for (const section of report.sections) {
    out.push('', color.bold.underline(section.title));
    for (const check of section.checks) {
      const mark = paint(color, check.status, `[${MARK[check.status]}]`.padEnd(13));
      // Details and lines carry what the host holds (process names, mount points, log text): escaped before colour.
      out.push(`  ${mark} ${check.label.padEnd(LABEL_WIDTH)} ${escapeOutside(check.detail)}`);
    }
    for (const line of section.lines) out.push(`      ${color.dim(escapeOutside(line))}`);
  }
  out.push('', color.bold.underline('Diagnosis'));
  if (report.diagnosis.length === 0) {
    out.push('  no likely cause found: memory, tmpfs, load, throttling and the kernel log look normal.');
    out.push('  next: keep health sampling installed (vpt investigate --install) so the next incident has a trend.');
  }
  report.diagnosis.forEach((cause, i) => {
    out.push(`  ${i + 1}. ${paint(color, cause.severity, cause.cause)} (score ${cause.score})`);
    for (const e of cause.evidence) out.push(`       - ${escapeOutside(e)}`);
    for (const step of cause.nextSteps) out.push(`       next: ${step}`);
  });
  const slow = report.probes.filter((p) => !p.ok).map((p) => p.name);
  out.push('', color.dim(`${report.probes.length} probes in ${Math.round(report.durationMs)} ms${slow.length > 0 ? `; unavailable: ${slow.join(', ')}` : ''}`));
  return `${out.join('\n')}\n`;
}

import type { ActionRow, Delivery, IncidentView } from '../../core/incidents/incident-reader.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { formatDuration } from '../../core/units.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';

/** The CSV export's columns, in order (RFC 4180: quoted where needed, CRLF lines). */
const CSV_COLUMNS = ['id', 'device', 'type', 'status', 'event_start', 'opened_at', 'resolved_at', 'duration_ms', 'resolve_reason', 'evidence'] as const;

/** Local time to the second: what a person compares with the wall clock. */
function local(iso: string | null): string {
  if (iso === null) return '-';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A text cell a spreadsheet would run as a formula (OWASP "CSV Injection": it starts with =, +, -, @,
 * tab or CR) gets a leading apostrophe, so `=HYPERLINK(...)` in a device name or a reason is shown,
 * not run. Numbers are left as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: unknown): string {
  const raw = value === null || value === undefined ? '' : String(value);
  const text = typeof value === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function printIncidentList(rows: IncidentView[], ui: Ui, options: { csv: boolean; file: string }): void {
  if (options.csv) {
    const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(c === 'evidence' ? r.evidence.join(';') : r[c])).join(','))];
    ui.out(lines.join('\r\n'));
    return;
  }
  if (ui.json) {
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.incidentsList, file: options.file, incidents: rows }, null, 2));
    return;
  }
  if (!ui.stdoutIsTTY) {
    // Piped: one incident per line, key=value, for grep and awk.
    for (const r of rows) {
      ui.out(
        `id=${r.id} device=${escapeOutside(r.device)} type=${escapeOutside(r.type)} status=${escapeOutside(r.status)} event_start=${escapeOutside(r.event_start)} ` +
          `resolved_at=${escapeOutside(r.resolved_at ?? '-')} duration_ms=${r.duration_ms} reason=${escapeOutside(r.resolve_reason ?? '-')}`,
      );
    }
    return;
  }
  if (rows.length === 0) {
    ui.out(`no incidents match (${options.file})`);
    return;
  }
  const header = ['ID', 'DEVICE', 'TYPE', 'STATUS', 'STARTED', 'DURATION', 'REASON'];
  const table = rows.map((r) => [
    `#${r.id}`,
    escapeOutside(r.device),
    escapeOutside(r.type),
    escapeOutside(r.status),
    local(r.event_start),
    `${formatDuration(r.duration_ms)}${r.status === 'open' ? '+' : ''}`,
    escapeOutside(r.resolve_reason ?? '-'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  ui.out(ui.color.bold(line(header)));
  for (const [i, cells] of table.entries()) {
    const text = line(cells);
    ui.out(rows[i]!.status === 'open' ? ui.color.red(text) : text);
  }
}

export interface IncidentDetail {
  incident: IncidentView;
  evidence: { path: string; exists: boolean }[];
  deliveries: Delivery[];
  actions: ActionRow[];
}

export function printIncidentTimeline(detail: IncidentDetail, ui: Ui): void {
  const { incident: i, evidence, deliveries, actions } = detail;
  if (ui.json) {
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.incidentsShow, ...i, evidence, webhook: deliveries, actions }, null, 2));
    return;
  }
  const since = (iso: string) => formatDuration(Math.max(0, Date.parse(iso) - Date.parse(i.event_start)));
  ui.out(`incident #${i.id}: ${escapeOutside(i.device)} ${escapeOutside(i.type)} (${escapeOutside(i.status)})`);
  ui.out(`  event start  ${local(i.event_start)}  (${escapeOutside(i.event_start)})`);
  ui.out(`  opened       ${local(i.opened_at)}  (+${since(i.opened_at)} after the start)`);
  if (i.resolved_at !== null) ui.out(`  resolved     ${local(i.resolved_at)}  (+${since(i.resolved_at)}; reason: ${escapeOutside(i.resolve_reason ?? '-')})`);
  else ui.out(`  resolved     -  (still open)`);
  ui.out(`  duration     ${formatDuration(i.duration_ms)}${i.status === 'open' ? ' so far' : ''}`);
  ui.out(`  evidence     ${evidence.length === 0 ? 'none' : ''}`.trimEnd());
  for (const e of evidence) ui.out(`    ${e.exists ? 'exists ' : 'MISSING'}  ${escapeOutside(e.path)}`);
  ui.out(`  metadata     ${JSON.stringify(i.metadata)}`);
  if (deliveries.length === 0) ui.out('  webhook      no notifications (no --webhook when it opened)');
  for (const d of deliveries) {
    const state = d.sent_at !== null ? `sent ${local(d.sent_at)}` : `pending, next try ${local(d.next_attempt_at)}`;
    ui.out(`  webhook      ${escapeOutside(d.event)}: ${state} (${d.attempts} failed attempts)`);
  }
  if (actions.length === 0) ui.out('  actions      none');
  for (const a of actions) {
    const how =
      a.result === 'suppressed' || a.result === 'dry_run' || a.result === 'error'
        ? a.output
        : `${a.result}${a.exit_code === null ? '' : `, exit ${a.exit_code}`} in ${formatDuration(a.duration_ms ?? 0)}`;
    ui.out(`  action       ${local(a.started_at)}  ${escapeOutside(a.command.join(' '))}: ${escapeOutside(how)}`);
    if (a.result !== 'suppressed' && a.result !== 'dry_run' && a.output !== '') {
      for (const line of a.output.split('\n')) ui.out(`    | ${escapeOutside(line)}`);
    }
  }
}

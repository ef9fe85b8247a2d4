import path from 'node:path';
import { EXIT } from '../../core/errors.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { isPidAlive } from '../../core/process/pid-alive.js';
import { findStateDir } from '../../core/lifecycle/find-state-dir.js';
import { judgeStatus, type OpenIncidentBrief, type StatusVerdict } from '../../core/status/status-check.js';
import { StatusSnapshotError, readStatusSnapshot, statusFilePath, type StatusSnapshot } from '../../core/status/status-snapshot.js';
import { formatDuration, formatMB } from '../../core/units.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';

export interface StatusOptions {
  stateDir?: string;
}

/**
 * `vpt status`: the monitor's snapshot plus its open incidents on one
 * screen, and the Nagios exit code (see judgeStatus). Loads no sharp;
 * SQLite only, read-only, when incidents.db exists.
 */
export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as StatusOptions;
  const stateDir = await findStateDir({ flag: options.stateDir });
  let snapshot: StatusSnapshot | undefined;
  let unreadable: StatusVerdict | undefined;
  try {
    snapshot = await readStatusSnapshot(stateDir);
  } catch (err) {
    if (!(err instanceof StatusSnapshotError)) throw err;
    // A damaged, huge or foreign status.json is Nagios unknown with its reason, like a missing one.
    unreadable = { code: EXIT.unknown, level: 'unknown', problems: [err.message] };
  }
  const open = snapshot ? await openIncidents(stateDir) : [];
  const now = Date.now();
  const verdict = unreadable ?? judgeStatus(snapshot, open, now, isPidAlive);
  if (ui.json) {
    ui.out(
      JSON.stringify(
        {
          schema_version: SCHEMA_VERSION.statusCommand,
          state: verdict.level,
          code: verdict.code,
          problems: verdict.problems,
          file: statusFilePath(stateDir),
          snapshot: snapshot ?? null,
          open_incidents: open,
        },
        null,
        2,
      ),
    );
    return verdict.code;
  }
  printSummary(verdict, ui, stateDir);
  if (snapshot && !ui.quiet) printScreen(snapshot, open, now, ui);
  return verdict.code;
}

async function openIncidents(stateDir: string): Promise<OpenIncidentBrief[]> {
  const { IncidentReader, NoIncidentDatabaseError } = await import('../../core/incidents/incident-reader.js');
  let reader;
  try {
    reader = await IncidentReader.openInDir(stateDir);
  } catch (err) {
    if (err instanceof NoIncidentDatabaseError) return [];
    throw err;
  }
  try {
    return reader.list({ open: true, limit: 1000 }, Date.now()).map(({ id, device, type, event_start }) => ({ id, device, type, event_start }));
  } finally {
    reader.close();
  }
}

function printSummary(v: StatusVerdict, ui: Ui, stateDir: string): void {
  const paint = { ok: ui.color.green, warning: ui.color.yellow, critical: ui.color.red, unknown: ui.color.red }[v.level];
  const head = `VPT ${v.level.toUpperCase()}`;
  if (v.code === EXIT.ok) {
    if (!ui.quiet) ui.out(paint(`${head} - monitor running, no open incidents`));
    return;
  }
  ui.out(paint(`${head} - ${escapeOutside(v.problems[0]!)}${v.problems.length > 1 ? ` (+${v.problems.length - 1} more)` : ''}`));
  if (v.code === EXIT.unknown) ui.out(`(looked for ${path.join(stateDir, 'status.json')}; --state-dir names another)`);
}

function printScreen(s: StatusSnapshot, open: OpenIncidentBrief[], now: number, ui: Ui): void {
  const age = now - Date.parse(s.written_at);
  ui.out(
    `monitor pid ${s.pid} on ${escapeOutside(s.host)}, vpt ${escapeOutside(s.vpt_version)}, up ${formatDuration(s.uptime_ms)}, RSS ${formatMB(s.rss_bytes)}${s.cpu_percent !== undefined ? `, CPU ${s.cpu_percent}%` : ''}; ${age >= 0 ? `snapshot ${formatDuration(age)} old` : `snapshot written ${formatDuration(-age)} in the future (clock stepped back?)`}`,
  );
  const header = ['DEVICE', 'LAST FRAME', 'AGE', 'FPS', 'ANALYSED', 'DROPPED', 'BAD', 'STATE'];
  const rows = s.devices.map((d) => {
    const states = [
      d.states.stalled && 'STALLED',
      d.states.black && 'black',
      d.states.frozen && 'frozen',
      d.states.audio !== 'ok' && `audio ${d.states.audio}`,
      d.behind && `behind (${d.queued} waiting)`,
    ].filter(Boolean);
    return [
      escapeOutside(d.device),
      d.last_sequence === null ? '-' : String(d.last_sequence),
      d.last_frame_age_ms === null ? '-' : formatDuration(d.last_frame_age_ms),
      d.fps.toFixed(2),
      String(d.frames_analysed),
      String(d.frames_dropped),
      String(d.frames_bad),
      states.length === 0 ? 'ok' : states.join(', '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  ui.out(line(header));
  for (const r of rows) ui.out(line(r));
  if (open.length === 0) ui.out('open incidents: none');
  for (const i of open)
    ui.out(
      `open incident #${i.id}: ${escapeOutside(i.device)} ${escapeOutside(i.type)} since ${escapeOutside(i.event_start)} (${formatDuration(now - Date.parse(i.event_start))})`,
    );
}

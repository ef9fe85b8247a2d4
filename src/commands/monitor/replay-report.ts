import type { ReplaySummary } from '../../core/replay/replay.js';
import { formatDuration } from '../../core/units.js';
import type { Ui } from '../../ui.js';

/** `2025-10-17T14:30:10.200+02:00` -> `14:30:10.200`: the date is in the device line. */
const clock = (iso: string | null) => (iso === null ? '…' : iso.slice(11, 23));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The human summary of a replay: one block per device, one line per event and incident. */
export function printReplaySummary(summary: ReplaySummary, stateDir: string | null, ui: Ui): void {
  const { color } = ui;
  for (const d of summary.devices) {
    if (d.missing) {
      ui.out(`${color.yellow(d.device)}: device folder missing`);
      continue;
    }
    const errors = d.errors > 0 ? color.yellow(`${d.errors} bad frame${d.errors === 1 ? '' : 's'}`) : 'no bad frames';
    const range = d.firstTime ? ` ${d.firstTime.slice(0, 10)} ${clock(d.firstTime)} to ${clock(d.lastTime)},` : '';
    ui.out(`${color.bold(d.device)}: ${d.frames} frames at ${d.fps} fps,${range} ${errors}, ${d.framesPerSecond} frames/s`);
    const items = [
      ...d.events.map((e) => ({ ...e, type: e.type as string, shown: e.ongoing ? `${seconds(e.durationMs)} (ongoing)` : seconds(e.durationMs) })),
      ...d.zaps.map((z) => ({ type: 'zap', ...z, shown: seconds(z.durationMs) })),
    ].sort((a, b) => a.startSequence - b.startSequence);
    const rows = items.map((e) => [e.type, clock(e.start), clock(e.end), e.shown, `frames ${e.startSequence}-${e.endSequence ?? '…'}`]);
    if (rows.length === 0) ui.out('  no events');
    const widths = rows.reduce((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), [] as number[]);
    const typeColor = (t: string) => (t.trim() === 'zap' ? color.cyan(t) : color.red(t));
    for (const r of rows) {
      const cells = r.map((c, i) => c.padEnd(widths[i]!));
      ui.out(`  ${typeColor(cells[0]!)}  ${cells[1]} -> ${cells[2]}  ${cells[3]}  ${cells[4]!.trimEnd()}`);
    }
    // One clock per line: the event's start -> end and its duration, as on the event's own line; when the
    // incident opened (--incident-delay later) is labelled apart.
    for (const i of d.incidents) {
      const span =
        i.resolvedAt === null ? `${clock(i.eventStart)} -> …  (still open)` : `${clock(i.eventStart)} -> ${clock(i.resolvedAt)}  ${seconds(i.durationMs ?? 0)}`;
      ui.out(`  ${color.red(`incident #${i.id} ${i.type}`)}  ${span}  opened ${clock(i.openedAt)}  ${i.evidence} evidence files`);
    }
    if (d.writesLost > 0) ui.out(color.yellow(`  ${d.writesLost} per-frame JSON or chunk file${d.writesLost === 1 ? '' : 's'} could not be written`));
    if (d.withoutThumbnail > 0)
      ui.out(`  ${d.withoutThumbnail} frame${d.withoutThumbnail === 1 ? '' : 's'} without thumbnail: the capture was analysed instead`);
    if (d.zapCandidates.length > 0) ui.out(`  ${d.zapCandidates.length} short blackscreen/freeze sequence(s) under 10s (zap candidates)`);
    if (d.dropped > 0) ui.out(color.yellow(`  ${d.dropped} more events not listed`));
  }
  const stored = stateDir === null ? 'not stored (no --state-dir)' : `in ${stateDir}/incidents.db`;
  ui.out(`incidents: ${summary.incidentsOpened} opened, ${summary.incidentsResolved} resolved, ${stored}`);
  ui.out(`total: ${summary.frames} frames, ${summary.errors} bad, ${formatDuration(summary.elapsedMs)}, ${summary.framesPerSecond.toFixed(1)} frames/s`);
}

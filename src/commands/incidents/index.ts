import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError } from '../../core/errors.js';
import { ALL_INCIDENT_TYPES } from '../../core/events/types.js';
import { validateDeviceName } from '../../core/layout/device-name.js';
import { parseTimeBound } from '../../core/incidents/time-bound.js';
import { findStateDir } from '../../core/lifecycle/find-state-dir.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { formatSize, parseInteger } from '../../core/units.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import type { Ui } from '../../ui.js';
import { printIncidentList, printIncidentTimeline } from './print.js';

/** Without --since (or --open): the last day, plus whatever is still open. */
const DEFAULT_SINCE_MS = 24 * 3_600_000;

/** Flags of `vpt incidents [list|show ID|prune]` as src/cli.ts parses them (--older-than in ms). */
export interface IncidentsOptions {
  action?: string;
  id?: string;
  open?: boolean;
  device?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
  csv?: boolean;
  olderThan?: number;
  stateDir?: string;
}

export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as unknown as IncidentsOptions;
  const action = options.action ?? 'list';
  if (action === 'prune') return prune(options, ui);
  if (action !== 'list' && action !== 'show') throw new UsageError(`unknown action "${escapeOutside(action)}": use list (default), show ID or prune`);
  if (action === 'list' && options.id !== undefined)
    throw new UsageError(`unexpected argument "${escapeOutside(options.id)}": did you mean vpt incidents show ${escapeOutside(options.id)}?`);
  const stateDir = await findStateDir({ flag: options.stateDir });
  const now = Date.now();
  // Flags are checked before the database is opened: a typo answers with its own line.
  const filter = action === 'list' ? listFilter(options, now) : undefined;
  const id = action === 'show' ? showId(options.id) : undefined;
  const { IncidentReader } = await import('../../core/incidents/incident-reader.js');
  const reader = await IncidentReader.openInDir(stateDir);
  try {
    if (filter) {
      printIncidentList(reader.list(filter, now), ui, { csv: options.csv === true, file: reader.file });
      return EXIT.ok;
    }
    const incident = reader.get(id!, now);
    if (!incident) {
      ui.err(`vpt: no incident #${id} in ${reader.file}`);
      return EXIT.warning;
    }
    const evidence = await Promise.all(
      incident.evidence.map(async (p) => ({
        path: p,
        exists: await fs.access(p).then(
          () => true,
          () => false,
        ),
      })),
    );
    printIncidentTimeline({ incident, evidence, deliveries: reader.deliveries(incident.id), actions: reader.actions(incident.id) }, ui);
    return EXIT.ok;
  } finally {
    reader.close();
  }
}

function listFilter(options: IncidentsOptions, now: number) {
  if (options.device !== undefined) validateDeviceName(options.device);
  if (options.type !== undefined && !(ALL_INCIDENT_TYPES as readonly string[]).includes(options.type)) {
    throw new UsageError(`--type: "${escapeOutside(options.type)}" is not an incident type; use one of ${ALL_INCIDENT_TYPES.join(', ')}`);
  }
  const since = options.since !== undefined ? parseTimeBound(options.since, '--since', now) : options.open ? undefined : now - DEFAULT_SINCE_MS;
  const until = options.until !== undefined ? parseTimeBound(options.until, '--until', now) : undefined;
  if (since !== undefined && until !== undefined && until < since) throw new UsageError('--until is before --since: nothing can match');
  return { open: options.open === true, device: options.device, type: options.type, since, until, limit: options.limit };
}

function showId(text: string | undefined): number {
  if (text === undefined) throw new UsageError('vpt incidents show needs an incident id, e.g. vpt incidents show 12 (ids are in vpt incidents)');
  return parseInteger(text.replace(/^#/, ''), 'incident id', 1);
}

async function prune(options: IncidentsOptions, ui: Ui): Promise<number> {
  if (options.olderThan === undefined) throw new UsageError('vpt incidents prune needs --older-than, e.g. --older-than 30d');
  const cutoff = Date.now() - options.olderThan;
  if (!Number.isFinite(new Date(cutoff).getTime())) throw new UsageError(`--older-than: ${options.olderThan} ms reaches back further than any date`);
  const stateDir = await findStateDir({ flag: options.stateDir });
  const [{ IncidentStore, INCIDENTS_DB_FILE }, { PRUNE_BATCH, NoIncidentDatabaseError }, { pruneIncidents }] = await Promise.all([
    import('../../core/incidents/incident-store.js'),
    import('../../core/incidents/incident-reader.js'),
    import('../../core/incidents/prune-incidents.js'),
  ]);
  const file = path.join(stateDir, INCIDENTS_DB_FILE);
  if (
    !(await fs.access(file).then(
      () => true,
      () => false,
    ))
  )
    throw new NoIncidentDatabaseError(file);
  const store = IncidentStore.open(file);
  try {
    const report = await pruneIncidents(store, cutoff, { batch: PRUNE_BATCH, maxBatches: Number.POSITIVE_INFINITY });
    const { evidence, kept } = report;
    if (ui.json) {
      ui.out(
        JSON.stringify({
          schema_version: SCHEMA_VERSION.incidentsPrune,
          file,
          removed: report.incidents,
          resolved_before: new Date(cutoff).toISOString(),
          evidence: {
            files_deleted: evidence.files,
            bytes_freed: evidence.bytes,
            already_gone: evidence.missing,
            refused: evidence.refused,
            failed: evidence.failed,
          },
          kept_undelivered: kept,
        }),
      );
    } else if (!ui.quiet || report.incidents > 0) {
      ui.out(
        `removed ${report.incidents} incident${report.incidents === 1 ? '' : 's'} resolved before ${new Date(cutoff).toISOString()} from ${file} (open incidents are kept); ` +
          `evidence: ${evidence.files} files deleted (${formatSize(evidence.bytes)} freed), ${evidence.missing} already gone`,
      );
    }
    const owed = kept.webhook + kept.alertmanager;
    if (owed > 0 && !ui.json)
      ui.out(
        `kept ${owed} resolved incidents whose notifications are not delivered yet (webhook: ${kept.webhook}, Alertmanager: ${kept.alertmanager}); the next prune after delivery removes them`,
      );
    if (evidence.refused > 0)
      ui.logger.warn(`${evidence.refused} evidence paths in ${file} are not frames of their device's captures or thumbnails folder: not deleted`);
    if (evidence.failed > 0) ui.logger.warn(`${evidence.failed} evidence files could not be deleted (first: ${evidence.firstFailure})`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

import Database from 'better-sqlite3';

/** What one action did, as the incident_actions table keeps it. */
export type ActionResult = 'ok' | 'failed' | 'timeout' | 'error' | 'dry_run' | 'suppressed';

export interface ActionRecord {
  incidentId: number | undefined;
  device: string;
  trigger: string;
  command: readonly string[];
  result: ActionResult;
  exitCode: number | undefined;
  durationMs: number | undefined;
  /** The last lines of its output (ACTION_OUTPUT_TAIL_*), or why it did not run. */
  output: string;
  startedAt: number;
}

/** A write waits this long for the monitor's own transaction at most: it runs on the event loop. */
export const ACTION_LOG_BUSY_TIMEOUT_MS = 250;

/**
 * Rows of the memory alert's actions (no incident, so no pruning takes them)
 * kept at most: the newest; each insert of one drops what is beyond.
 */
export const MAX_UNATTACHED_ACTION_ROWS = 1000;

/**
 * The actions' writer: its own connection to incidents.db (as the webhook
 * outbox has), so a slow command never holds the monitor's connection. The
 * table is created by the store's migration (schema.ts, version 3).
 */
export class ActionLog {
  private readonly db: Database.Database;
  private readonly insert;
  private readonly trim;

  constructor(file: string) {
    this.db = new Database(file, { fileMustExist: true, timeout: ACTION_LOG_BUSY_TIMEOUT_MS });
    this.db.pragma('foreign_keys = ON');
    this.insert = this.db.prepare(
      `INSERT INTO incident_actions (incident_id, device, trigger, command, result, exit_code, duration_ms, output, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.trim = this.db.prepare(
      `DELETE FROM incident_actions WHERE incident_id IS NULL AND id <= (SELECT max(id) FROM incident_actions WHERE incident_id IS NULL) - ?`,
    );
  }

  record(r: ActionRecord): void {
    this.insert.run(
      r.incidentId ?? null,
      r.device,
      r.trigger,
      JSON.stringify(r.command),
      r.result,
      r.exitCode ?? null,
      r.durationMs === undefined ? null : Math.round(r.durationMs),
      r.output,
      new Date(r.startedAt).toISOString(),
    );
    if (r.incidentId === undefined) this.trim.run(MAX_UNATTACHED_ACTION_ROWS);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

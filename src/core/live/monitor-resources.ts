import os from 'node:os';
import type { Logger } from '../logger.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import type { Incident } from '../incidents/incident.js';
import { IncidentStore, LIVE_BUSY_TIMEOUT_MS } from '../incidents/incident-store.js';
import { moveIncidentDbAside } from '../incidents/incident-db-aside.js';
import { acquireInstanceLock, type InstanceLock } from '../lifecycle/instance-lock.js';
import { removeDeadProcessTempDirs } from '../lifecycle/process-temp-dir.js';
import { removeStaleZapMarker } from '../lifecycle/zap-marker-cleanup.js';
import { removeDeadWritersTempFiles } from '../lifecycle/stale-temp-files.js';
import { liveFolders } from '../layout/live-folders.js';
import { incidentEvent } from '../pipeline/incident-step.js';
import path from 'node:path';

export interface MonitorResourcesOptions {
  stateDir: string;
  streamRoot: string;
  devices: readonly string[];
  replace?: boolean;
  /** A webhook is configured: write outbox rows. */
  webhook?: boolean;
  /** `--reset-incidents`: move incidents.db aside (never deleted) and start a new one. */
  resetIncidents?: boolean;
  tmpRoot?: string;
  onReplacing?: (pid: number) => void;
  now?: () => number;
}

export interface MonitorResources {
  lock: InstanceLock;
  store: IncidentStore;
  /** What start-up cleaned: incidents left open, dead processes' temp folders, stale zap markers. */
  resolvedAtStart: Incident[];
  removedTempDirs: string[];
  removedZapMarkers: string[];
  /** Atomic-write temp files of dead processes, per metadata folder. */
  removedTempFiles: { dir: string; count: number }[];
  /** Where `--reset-incidents` moved the old database, if there was one. */
  incidentsMovedAside: string | undefined;
  /** Synchronous and idempotent, for exit and signal handlers: close the DB, release the lock. */
  close(): void;
}

/**
 * Everything a monitor run owns, taken in an order that is safe to undo:
 * the lock first (nothing else is touched while another monitor runs),
 * then the database, whose leftovers are resolved. The monitor writes
 * nothing to the temp folder: it only removes what older versions left there.
 */
export async function openMonitorResources(options: MonitorResourcesOptions): Promise<MonitorResources> {
  const now = options.now ?? Date.now;
  const tmpRoot = options.tmpRoot ?? os.tmpdir();
  const lock = await acquireInstanceLock(options.stateDir, { replace: options.replace, onReplacing: options.onReplacing });
  let store: IncidentStore | undefined;
  const close = (): void => {
    store?.close();
    lock.release();
  };
  try {
    const removedTempDirs = await removeDeadProcessTempDirs(tmpRoot);
    const incidentsMovedAside = options.resetIncidents ? await moveIncidentDbAside(options.stateDir, new Date(now())) : undefined;
    store = IncidentStore.openInDir(options.stateDir, { outbox: options.webhook === true });
    const at = now();
    const resolvedAtStart = [...store.resolveForDevicesNotIn(options.devices, 'device_removed', at), ...store.resolveAllOpen('restart', at)];
    // Start-up waited up to DEFAULT_BUSY_TIMEOUT_MS; from here on a locked database is retried, not waited for.
    store.setBusyTimeout(LIVE_BUSY_TIMEOUT_MS);
    const removedZapMarkers: string[] = [];
    const removedTempFiles: { dir: string; count: number }[] = [];
    for (const device of options.devices) {
      const folders = await liveFolders(path.join(options.streamRoot, device));
      const metadata = path.join(path.dirname(folders.captures), 'metadata');
      const removed = await removeStaleZapMarker(metadata, now());
      if (removed) removedZapMarkers.push(removed);
      const temps = await removeDeadWritersTempFiles(metadata);
      if (temps > 0) removedTempFiles.push({ dir: metadata, count: temps });
    }
    return { lock, store, resolvedAtStart, removedTempDirs, removedZapMarkers, removedTempFiles, incidentsMovedAside, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** What opening the resources found and did, one line each. */
export function logResources(resources: MonitorResources, logger: Logger): void {
  if (resources.incidentsMovedAside)
    logger.warn(`--reset-incidents: the old incident database is kept as ${resources.incidentsMovedAside}; starting a new one`);
  for (const i of resources.resolvedAtStart)
    logger.info(`[${i.device}] incident #${i.id} (${i.type}) left open by a previous run: resolved (${i.resolveReason})`);
  for (const d of resources.removedTempDirs) logger.info(`removed ${d} (its process is gone)`);
  for (const m of resources.removedZapMarkers) logger.info(`removed stale zap marker ${m}`);
  for (const t of resources.removedTempFiles) logger.info(`removed ${t.count} temp files of processes that are gone from ${t.dir}`);
}

/** The incidents a previous run left open, resolved at open, as the events a live resolution would be. */
export function resolvedAtStartEvents(resources: MonitorResources): MonitorEvent[] {
  return resources.resolvedAtStart.map((incident) => incidentEvent({ kind: 'incident_resolved', incident }));
}

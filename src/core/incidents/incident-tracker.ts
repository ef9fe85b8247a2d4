import type { AnyIncidentType } from '../events/types.js';
import { DEFAULT_INCIDENT_DELAY_MS } from './incident-delay.js';
import { IncidentStoreLockedError } from './incident-store.js';
import type { Incident, ResolveReason } from './incident.js';
import { IncidentStoreWriteError } from './store-errors.js';

/** After a write failed (locked by another process, disk full, read-only, I/O error), the next try comes this much later (wall clock). */
export const STORE_RETRY_MS = 5_000;
/**
 * Ended incidents whose changes are held while the database takes no
 * writes. Each is a few hundred bytes (times, evidence paths). Past this,
 * the oldest ended incident that never reached the database is dropped
 * (counted and said once): the newest history and every ongoing incident
 * (one per device and type, bounded apart from this) are kept.
 */
export const MAX_HELD_INCIDENTS = 1_000;

/** The part of IncidentStore the tracker needs (the store satisfies it). */
export interface IncidentWriter {
  open(device: string, type: AnyIncidentType, openedAt: number, evidence: readonly string[], metadata?: Record<string, unknown>, eventStart?: number): Incident;
  resolve(id: number, resolvedAt: number, reason: ResolveReason, evidence?: readonly string[]): Incident | undefined;
}

export type IncidentRecord = { kind: 'incident_opened'; incident: Incident } | { kind: 'incident_resolved'; incident: Incident };

/** A write the store refused: another process's lock, or a filesystem or database failure. */
type IncidentStoreFailure = IncidentStoreLockedError | IncidentStoreWriteError;

export interface IncidentTrackerOptions {
  store: IncidentWriter;
  incidentDelayMs?: number;
  onRecord?: (record: IncidentRecord) => void;
  /** The store refused a write (once when failing starts, again only if the cause changes): changes are held and retried. */
  onStoreFailing?: (err: IncidentStoreFailure) => void;
  /** The store took writes again: `written` held changes went in, `dropped` ended incidents were lost to MAX_HELD_INCIDENTS. */
  onStoreBack?: (summary: { written: number; dropped: number }) => void;
  /** The first ended incident dropped because MAX_HELD_INCIDENTS were held (once per failing episode). */
  onHeldDropped?: (incident: { device: string; type: AnyIncidentType; openedAt: number }) => void;
  /** Wall clock for the retry delay (tests inject one). */
  now?: () => number;
}

/** One incident as the tracker knows it, from its event's crossing of the delay until its last change is written. */
interface TrackedIncident {
  device: string;
  type: AnyIncidentType;
  /** The start of the event that opened it: a different start means a new event. */
  eventStart: number;
  openedAt: number;
  evidence: readonly string[];
  /** The database id, once the open is written. */
  id: number | undefined;
  resolution: { at: number; reason: ResolveReason; evidence: readonly string[] } | undefined;
  /** It ended before its open was written: it counts against MAX_HELD_INCIDENTS until its resolution is written. */
  bounded: boolean;
}

interface HeldChange {
  kind: 'open' | 'resolve';
  incident: TrackedIncident;
}

/**
 * Turns events into incidents on the frame clock (a replay of a capture opens
 * the same incidents as watching it live). Every change (open, resolve) goes
 * through one queue, written in order: when the store refuses a write (locked,
 * disk full, read-only, I/O error) the change and every later one are held
 * and retried every STORE_RETRY_MS, with their true frame times, so an
 * incident is never lost, merged with the next or written twice. An incident
 * leaves memory only once its resolution is written. Bounds: one ongoing
 * incident per device and type, MAX_HELD_INCIDENTS ended ones held.
 */
export class IncidentTracker {
  private readonly store: IncidentWriter;
  private readonly delayMs: number;
  private readonly onRecord: (record: IncidentRecord) => void;
  private readonly options: IncidentTrackerOptions;
  private readonly now: () => number;
  /** The incident of each ongoing event (written or held), by device and type. */
  private readonly open = new Map<string, TrackedIncident>();
  /** Changes not yet written, oldest first. */
  private held: HeldChange[] = [];
  /** Ended incidents with a change in `held`: what MAX_HELD_INCIDENTS bounds. */
  private heldEnded = 0;
  private retryAt = Number.NEGATIVE_INFINITY;
  /** The failure being reported (its code), undefined while writes succeed. */
  private failing: string | undefined;
  private writtenWhileFailing = 0;
  private dropped = 0;

  constructor(options: IncidentTrackerOptions) {
    this.options = options;
    this.store = options.store;
    this.delayMs = options.incidentDelayMs ?? DEFAULT_INCIDENT_DELAY_MS;
    this.onRecord = options.onRecord ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** Changes waiting for the store (bounded by devices x types + 2 x MAX_HELD_INCIDENTS). */
  get pendingCount(): number {
    return this.held.length;
  }

  /** Write the held changes, in order, if the retry time has come (`now`: at once, as at shutdown). */
  retryPending(now = false): void {
    if (now) this.retryAt = Number.NEGATIVE_INFINITY;
    this.flush();
  }

  /**
   * An event of this device and type is still detected at frame time `nowMs`.
   * Opens the incident once it has lasted the incident delay; returns it when
   * this call wrote it to the store.
   */
  eventOngoing(device: string, type: AnyIncidentType, startTimeMs: number, nowMs: number, evidence: readonly string[] = []): Incident | undefined {
    const key = keyOf(device, type);
    const current = this.open.get(key);
    if (current) {
      if (current.eventStart === startTimeMs) {
        this.flush();
        return undefined;
      }
      // A new event while the old incident is still open: the old event must have ended unseen.
      this.end(key, current, startTimeMs, 'cleared', []);
    }
    if (nowMs - startTimeMs < this.delayMs) {
      this.flush();
      return undefined;
    }
    const incident: TrackedIncident = {
      device,
      type,
      eventStart: startTimeMs,
      openedAt: nowMs,
      evidence,
      id: undefined,
      resolution: undefined,
      bounded: false,
    };
    this.open.set(key, incident);
    return this.queue({ kind: 'open', incident });
  }

  /** The event ended at frame time `endTimeMs`: resolve its incident, if it had one. */
  eventEnded(device: string, type: AnyIncidentType, endTimeMs: number, evidence: readonly string[] = []): Incident | undefined {
    const key = keyOf(device, type);
    const current = this.open.get(key);
    if (!current) return undefined;
    return this.end(key, current, endTimeMs, 'cleared', evidence);
  }

  /** Incidents of ongoing events (device, type, id; id undefined while the open is held). */
  openEntries(): { device: string; type: AnyIncidentType; incidentId: number | undefined }[] {
    return [...this.open.values()].map((i) => ({ device: i.device, type: i.type, incidentId: i.id }));
  }

  get size(): number {
    return this.open.size;
  }

  private end(key: string, incident: TrackedIncident, at: number, reason: ResolveReason, evidence: readonly string[]): Incident | undefined {
    this.open.delete(key);
    incident.resolution = { at, reason, evidence };
    if (incident.id === undefined) {
      incident.bounded = true;
      this.heldEnded++;
    }
    return this.queue({ kind: 'resolve', incident });
  }

  /** Queue a change behind the held ones, write what can be written; the change's incident if it went in now. */
  private queue(change: HeldChange): Incident | undefined {
    this.held.push(change);
    this.enforceBound();
    let written: Incident | undefined;
    this.flush((c, incident) => {
      if (c === change) written = incident;
    });
    return written;
  }

  private flush(onWritten?: (change: HeldChange, incident: Incident | undefined) => void): void {
    if (this.held.length === 0 || this.now() < this.retryAt) return;
    while (this.held.length > 0) {
      const change = this.held[0]!;
      let incident: Incident | undefined;
      try {
        incident = this.write(change);
      } catch (err) {
        if (!(err instanceof IncidentStoreLockedError || err instanceof IncidentStoreWriteError)) throw err;
        this.retryAt = this.now() + STORE_RETRY_MS;
        this.reportFailing(err);
        return;
      }
      this.held.shift();
      if (change.kind === 'resolve' && change.incident.bounded) this.heldEnded--;
      if (this.failing !== undefined) this.writtenWhileFailing++;
      if (incident) this.onRecord({ kind: change.kind === 'open' ? 'incident_opened' : 'incident_resolved', incident });
      onWritten?.(change, incident);
    }
    if (this.failing !== undefined) {
      this.options.onStoreBack?.({ written: this.writtenWhileFailing, dropped: this.dropped });
      this.failing = undefined;
      this.writtenWhileFailing = 0;
      this.dropped = 0;
    }
  }

  private write(change: HeldChange): Incident | undefined {
    const i = change.incident;
    if (change.kind === 'open') {
      const incident = this.store.open(
        i.device,
        i.type,
        i.openedAt,
        i.evidence,
        {
          event_start: new Date(i.eventStart).toISOString(),
          incident_delay_ms: this.delayMs,
        },
        i.eventStart,
      );
      i.id = incident.id;
      return incident;
    }
    const r = i.resolution!;
    return this.store.resolve(i.id!, r.at, r.reason, r.evidence);
  }

  private reportFailing(err: IncidentStoreFailure): void {
    const code = err instanceof IncidentStoreWriteError ? err.code : 'SQLITE_BUSY';
    if (this.failing === code) return;
    this.failing = code;
    this.options.onStoreFailing?.(err);
  }

  /** Past MAX_HELD_INCIDENTS ended incidents held, drop the oldest one that never reached the database. */
  private enforceBound(): void {
    while (this.heldEnded > MAX_HELD_INCIDENTS) {
      const victim = this.held.find((c) => c.kind === 'open' && c.incident.resolution !== undefined)?.incident;
      if (!victim) return;
      this.held = this.held.filter((c) => c.incident !== victim);
      this.heldEnded--;
      if (this.dropped++ === 0) this.options.onHeldDropped?.({ device: victim.device, type: victim.type, openedAt: victim.openedAt });
    }
  }
}

// NUL cannot appear in a device name (refused at the CLI), so it separates safely.
const keyOf = (device: string, type: AnyIncidentType): string => `${device}\u0000${type}`;

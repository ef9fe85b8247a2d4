import type { IncidentType } from '../events/types.js';
import { DEFAULT_INCIDENT_DELAY_MS } from './incident-delay.js';
import { IncidentStoreLockedError, type Incident, type ResolveReason } from './incident-store.js';

/** After the database was found locked by another process, the next write is tried this much later (wall clock). */
export const STORE_RETRY_MS = 5_000;

/** The part of IncidentStore the tracker needs (the store satisfies it). */
export interface IncidentWriter {
  open(device: string, type: IncidentType, openedAt: number, evidence: readonly string[], metadata?: Record<string, unknown>): Incident;
  resolve(id: number, resolvedAt: number, reason: ResolveReason, evidence?: readonly string[]): Incident | undefined;
}

export type IncidentRecord =
  | { kind: 'incident_opened'; incident: Incident }
  | { kind: 'incident_resolved'; incident: Incident };

export interface IncidentTrackerOptions {
  store: IncidentWriter;
  incidentDelayMs?: number;
  onRecord?: (record: IncidentRecord) => void;
  /** The store is locked by another process (once per episode): changes are held and retried. */
  onStoreLocked?: (err: IncidentStoreLockedError) => void;
  /** The store took writes again after being locked. */
  onStoreBack?: () => void;
  /** Wall clock for the retry delay (tests inject one). */
  now?: () => number;
}

interface PendingResolve {
  incidentId: number;
  at: number;
  reason: ResolveReason;
  evidence: readonly string[];
}

interface OpenEntry {
  incidentId: number;
  /** The start of the event that opened it: a different start means a new event. */
  eventStart: number;
}

/**
 * Turns events into incidents on the frame clock (a replay of a capture opens
 * the same incidents as watching it live). Holds at most one entry per device
 * and type, and only while its incident is open: the map is bounded by
 * devices x INCIDENT_TYPES and empties as incidents resolve, so nothing grows
 * with uptime. Evidence paths live in the store, not here.
 */
export class IncidentTracker {
  private readonly store: IncidentWriter;
  private readonly delayMs: number;
  private readonly onRecord: (record: IncidentRecord) => void;
  private readonly open = new Map<string, OpenEntry>();
  /**
   * Resolutions the store refused while locked, written on a later call.
   * At most one per device and type (a key's next incident waits for its
   * pending resolution), so bounded like `open`.
   */
  private readonly pending = new Map<string, PendingResolve>();
  private readonly options: IncidentTrackerOptions;
  private readonly now: () => number;
  private lockedUntil = Number.NEGATIVE_INFINITY;
  private locked = false;

  constructor(options: IncidentTrackerOptions) {
    this.options = options;
    this.store = options.store;
    this.delayMs = options.incidentDelayMs ?? DEFAULT_INCIDENT_DELAY_MS;
    this.onRecord = options.onRecord ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** Resolutions held while the store was locked (bounded by devices x types). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Write the resolutions held while the store was locked, if its retry time has come. */
  retryPending(): void {
    for (const [key, p] of [...this.pending]) {
      if (this.waiting()) return;
      const incident = this.tryWrite(() => this.store.resolve(p.incidentId, p.at, p.reason, p.evidence));
      if (incident === LOCKED) return;
      this.pending.delete(key);
      if (incident) this.onRecord({ kind: 'incident_resolved', incident });
    }
  }

  /**
   * An event of this device and type is still detected at frame time `nowMs`.
   * Opens the incident once it has lasted the incident delay; returns it when
   * this call opened it.
   */
  eventOngoing(device: string, type: IncidentType, startTimeMs: number, nowMs: number, evidence: readonly string[] = []): Incident | undefined {
    const key = keyOf(device, type);
    const current = this.open.get(key);
    if (current) {
      if (current.eventStart === startTimeMs) return undefined;
      // A new event while the old incident is still open: the old event must have ended unseen.
      this.resolveEntry(key, current, startTimeMs, 'cleared', []);
    }
    if (nowMs - startTimeMs < this.delayMs) return undefined;
    this.retryPending();
    // The store would hand back the still-open previous incident: wait until its resolution is written.
    if (this.pending.has(key) || this.waiting()) return undefined;
    const incident = this.tryWrite(() =>
      this.store.open(device, type, nowMs, evidence, {
        event_start: new Date(startTimeMs).toISOString(),
        incident_delay_ms: this.delayMs,
      }),
    );
    // Locked: the event is still ongoing, so a later frame tries again.
    if (incident === LOCKED) return undefined;
    this.open.set(key, { incidentId: incident.id, eventStart: startTimeMs });
    this.onRecord({ kind: 'incident_opened', incident });
    return incident;
  }

  /** The event ended at frame time `endTimeMs`: resolve its incident, if it had one. */
  eventEnded(device: string, type: IncidentType, endTimeMs: number, evidence: readonly string[] = []): Incident | undefined {
    const key = keyOf(device, type);
    const current = this.open.get(key);
    if (!current) return undefined;
    return this.resolveEntry(key, current, endTimeMs, 'cleared', evidence);
  }

  /** Incidents this tracker holds open (device, type, id). */
  openEntries(): { device: string; type: IncidentType; incidentId: number }[] {
    return [...this.open].map(([key, entry]) => {
      const [device, type] = splitKey(key);
      return { device, type, incidentId: entry.incidentId };
    });
  }

  get size(): number {
    return this.open.size;
  }

  private resolveEntry(key: string, entry: OpenEntry, at: number, reason: ResolveReason, evidence: readonly string[]): Incident | undefined {
    this.open.delete(key);
    const held: PendingResolve = { incidentId: entry.incidentId, at, reason, evidence };
    const incident = this.waiting() ? LOCKED : this.tryWrite(() => this.store.resolve(entry.incidentId, at, reason, evidence));
    if (incident === LOCKED) {
      this.pending.set(key, held);
      return undefined;
    }
    if (incident) this.onRecord({ kind: 'incident_resolved', incident });
    return incident;
  }

  private waiting(): boolean {
    return this.now() < this.lockedUntil;
  }

  /** One store write; LOCKED when another process holds the database (reported once per episode). */
  private tryWrite<T>(write: () => T): T | typeof LOCKED {
    let result: T;
    try {
      result = write();
    } catch (err) {
      if (!(err instanceof IncidentStoreLockedError)) throw err;
      this.lockedUntil = this.now() + STORE_RETRY_MS;
      if (!this.locked) {
        this.locked = true;
        this.options.onStoreLocked?.(err);
      }
      return LOCKED;
    }
    if (this.locked) {
      this.locked = false;
      this.options.onStoreBack?.();
    }
    return result;
  }
}

const LOCKED = Symbol('locked');

// NUL cannot appear in a device name (refused at the CLI), so it separates safely.
const keyOf = (device: string, type: IncidentType): string => `${device}\u0000${type}`;
const splitKey = (key: string): [string, IncidentType] => {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1) as IncidentType];
};

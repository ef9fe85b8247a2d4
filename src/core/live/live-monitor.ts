import path from 'node:path';
import { SweeperRegistry, formatSweepLine } from '../cache/sweeper-registry.js';
import type { IncidentType } from '../events/types.js';
import { preserveEvidence } from '../evidence.js';
import { IncidentTracker, STORE_RETRY_MS, type IncidentRecord, type IncidentWriter } from '../incidents/incident-tracker.js';
import type { Logger } from '../logger.js';
import { exceedsAlert, formatMemoryAlert, formatMemoryLine, readSelfMemory } from '../memory/self-memory.js';
import { CaptureWatcher, type CapturedFrame, type WatcherRecord } from './capture-watcher.js';
import type { AnalyzerFactory, DeviceAnalyzer, FrameOutcome } from './device-analyzer.js';
import { FrameQueue, type QueueRecord } from './frame-queue.js';
import type { MonitorEvent } from './monitor-events.js';
import { iso } from '../units.js';

export interface LiveMonitorOptions {
  streamRoot: string;
  devices: readonly string[];
  store: IncidentWriter;
  createAnalyzer: AnalyzerFactory;
  onEvent: (event: MonitorEvent) => void;
  logger: Logger;
  incidentDelayMs: number;
  queueLimit: number;
  sweepIntervalMs: number;
  memoryLogIntervalMs: number;
  memoryAlertBytes: number;
  rescanIntervalMs?: number;
  procRoot?: string;
  /** Wall clock for sweeps and memory samples (frame events use the frame clock). */
  now?: () => number;
}

interface DeviceState {
  device: string;
  dir: string;
  watcher: CaptureWatcher;
  queue: FrameQueue<CapturedFrame>;
  analyzer: DeviceAnalyzer;
  running: Promise<void> | undefined;
  /** Evidence of the events open now: at most one entry per type, removed when the event ends. */
  evidence: Map<IncidentType, string[]>;
  /** Types ongoing at the last analysed frame (what the evidence sweep keeps). */
  ongoing: Set<IncidentType>;
  /** Newest sequence analysed: an older frame is late (see AnalyzeMode.late). */
  newest: number;
}

/**
 * The live service: per device a watcher feeds a bounded LIFO queue, one
 * worker per device analyses sequentially (devices in parallel), and each
 * outcome drives incidents and evidence. Reports typed events; prints nothing.
 */
export class LiveMonitor {
  private readonly options: LiveMonitorOptions;
  private readonly devices = new Map<string, DeviceState>();
  private readonly sweepers = new SweeperRegistry();
  private readonly incidents: IncidentTracker;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private stopping = false;

  constructor(options: LiveMonitorOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.incidents = new IncidentTracker({
      store: options.store,
      incidentDelayMs: options.incidentDelayMs,
      onRecord: (record) => this.emitIncident(record),
      now: this.now,
      onStoreLocked: (err) =>
        options.logger.warn(`incident database locked: ${err.message}; incident changes are held and retried every ${STORE_RETRY_MS / 1000} s`),
      onStoreBack: () => options.logger.info('incident database writable again: held incident changes written'),
    });
  }

  async start(): Promise<void> {
    const { logger } = this.options;
    for (const device of this.options.devices) {
      const dir = path.join(this.options.streamRoot, device);
      const state: DeviceState = {
        device,
        dir,
        analyzer: this.options.createAnalyzer(device, dir),
        queue: new FrameQueue<CapturedFrame>({ device, limit: this.options.queueLimit, onRecord: (r) => this.onQueueRecord(r) }),
        watcher: new CaptureWatcher({
          device,
          deviceDir: dir,
          rescanIntervalMs: this.options.rescanIntervalMs,
          onFrame: (frame) => this.enqueue(state, frame),
          onRecord: (r) => this.onWatcherRecord(r),
        }),
        running: undefined,
        evidence: new Map(),
        ongoing: new Set(),
        newest: -1,
      };
      this.devices.set(device, state);
      const analyzer = state.analyzer;
      if (analyzer.sweep) this.sweepers.register({ name: 'analyzer', device, sweep: (now) => analyzer.sweep!(now) });
      this.sweepers.register({ name: 'event-evidence', device, sweep: () => ({ freedEntries: sweepEvidence(state) }) });
    }
    await Promise.all([...this.devices.values()].map((s) => s.watcher.start()));
    this.every(this.options.sweepIntervalMs, () => this.sweep());
    this.every(this.options.memoryLogIntervalMs, () => void this.probeMemory());
    await this.probeMemory();
    logger.info(`monitoring ${this.options.devices.join(', ')} under ${this.options.streamRoot}`);
  }

  /** Finish the frames being analysed (not the waiting ones), stop watching; resolves when drained or at the deadline. */
  async stop(deadlineMs: number): Promise<{ drained: boolean; abandoned: number }> {
    this.stopping = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    let abandoned = 0;
    for (const state of this.devices.values()) {
      state.watcher.stop();
      state.queue.flushDrops();
      abandoned += state.queue.clear();
    }
    const inFlight = [...this.devices.values()].map((s) => s.running ?? Promise.resolve());
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(inFlight).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs))),
    ]);
    clearTimeout(timer);
    for (const state of this.devices.values()) await state.analyzer.close?.();
    return { drained, abandoned };
  }

  /** Every bounded structure's current size, per device (tests and the debug log). */
  stats(): { device: string; queued: number; queueLimit: number; dropped: number; remembered: number; evidence: number }[] {
    return [...this.devices.values()].map((s) => ({
      device: s.device,
      queued: s.queue.size,
      queueLimit: s.queue.limit,
      dropped: s.queue.dropped,
      remembered: s.watcher.rememberedCount,
      evidence: s.evidence.size,
    }));
  }

  private every(intervalMs: number, fn: () => void): void {
    this.timers.push(setInterval(fn, intervalMs));
  }

  private enqueue(state: DeviceState, frame: CapturedFrame): void {
    if (this.stopping) return;
    state.queue.push(frame);
    state.running ??= this.work(state).finally(() => (state.running = undefined));
  }

  /** One device's worker: newest frame first, one at a time, until the queue is empty. */
  private async work(state: DeviceState): Promise<void> {
    while (!this.stopping) {
      const sample = state.queue.backlog;
      const frame = state.queue.pop();
      if (!frame) return;
      const late = frame.sequence < state.newest;
      if (!late) state.newest = frame.sequence;
      try {
        const outcome = await state.analyzer.analyze(frame, { sample, late });
        this.options.onEvent({
          event: 'frame',
          ts: iso(outcome.timeMs),
          device: state.device,
          sequence: frame.sequence,
          sampled: sample,
          late,
          ...(outcome.performanceMs !== undefined ? { performance_ms: outcome.performanceMs } : {}),
        });
        if (!late) await this.applyOutcome(state, outcome);
      } catch (err) {
        // One bad frame (truncated JPEG, vanished file) must not stop the device.
        this.options.logger.warn(`[${state.device}] frame ${frame.sequence}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async applyOutcome(state: DeviceState, outcome: FrameOutcome): Promise<void> {
    const { device } = state;
    for (const t of outcome.transitions) {
      if (t.kind === 'event_started') {
        state.evidence.set(t.type, await preserveEvidence(state.dir, [t.firstSequence - 1, t.firstSequence]));
        this.options.onEvent({ event: 'event_started', ts: iso(t.startMs), device, type: t.type, sequence: t.firstSequence });
      } else {
        const last = t.lastSequence ?? outcome.sequence;
        const endMs = t.endMs ?? outcome.timeMs;
        const lastEvidence = await preserveEvidence(state.dir, [last]);
        state.evidence.delete(t.type);
        this.options.onEvent({
          event: 'event_ended',
          ts: iso(endMs),
          device,
          type: t.type,
          sequence: last,
          start: iso(t.startMs),
          duration_ms: t.durationMs ?? endMs - t.startMs,
        });
        this.incidents.eventEnded(device, t.type, endMs, lastEvidence);
      }
    }
    this.incidents.retryPending();
    state.ongoing = new Set(outcome.ongoing.map((o) => o.type));
    for (const o of outcome.ongoing) {
      this.incidents.eventOngoing(device, o.type, o.startMs, outcome.timeMs, state.evidence.get(o.type) ?? []);
    }
  }

  private emitIncident(record: IncidentRecord): void {
    const i = record.incident;
    if (record.kind === 'incident_opened') {
      this.options.onEvent({ event: 'incident_opened', ts: iso(i.openedAt), device: i.device, type: i.type, incident_id: i.id, evidence: i.evidence });
    } else {
      this.options.onEvent({
        event: 'incident_resolved',
        ts: iso(i.resolvedAt!),
        device: i.device,
        type: i.type,
        incident_id: i.id,
        duration_ms: i.durationMs!,
        resolve_reason: i.resolveReason!,
        evidence: i.evidence,
      });
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const report of this.sweepers.sweepAll(now)) {
      this.options.logger.info(formatSweepLine(report.device, this.options.sweepIntervalMs));
      for (const failed of report.caches.filter((c) => c.error)) this.options.logger.warn(`[${report.device}] cache ${failed.name} sweep failed: ${failed.error}`);
      this.options.onEvent({
        event: 'cache_sweep',
        ts: iso(now),
        device: report.device ?? null,
        freed_entries: report.freedEntries,
        freed_bytes: report.freedBytes,
        next_in_ms: this.options.sweepIntervalMs,
        caches: report.caches,
      });
    }
  }

  private async probeMemory(): Promise<void> {
    const memory = await readSelfMemory(this.options.procRoot);
    if (!memory) return;
    const alert = exceedsAlert(memory, this.options.memoryAlertBytes);
    if (alert) this.options.logger.warn(formatMemoryAlert(memory.rssBytes, this.options.memoryAlertBytes));
    else this.options.logger.info(formatMemoryLine(memory.rssBytes));
    this.options.onEvent({
      event: 'memory',
      ts: iso(this.now()),
      rss_bytes: memory.rssBytes,
      hwm_bytes: memory.hwmBytes ?? null,
      alert_bytes: this.options.memoryAlertBytes,
      alert,
    });
  }

  private onQueueRecord(r: QueueRecord): void {
    const ts = iso(this.now());
    if (r.kind === 'drop_burst') {
      this.options.logger.warn(`[${r.device}] analysis cannot keep up: more than ${r.limit} frames waiting, dropping the oldest`);
    } else if (r.kind === 'dropped') {
      this.options.onEvent({ event: 'dropped', ts, device: r.device, count: r.count, first_sequence: r.firstSequence, last_sequence: r.lastSequence, total: r.total });
    } else {
      this.options.onEvent({ event: 'queue_backlog', ts, device: r.device, active: r.active, size: r.size });
    }
  }

  private onWatcherRecord(r: WatcherRecord): void {
    const { logger } = this.options;
    if (r.kind === 'waiting') logger.warn(`[${r.device}] ${r.dir} does not exist yet; waiting for it`);
    else if (r.kind === 'watching') logger.info(`[${r.device}] watching ${r.dir}${r.hot ? ' (hot, RAM mode)' : ''}`);
    else if (r.kind === 'watch_error') logger.warn(`[${r.device}] watcher error on ${r.dir}: ${r.message}; the rescan takes over`);
    else logger.debug(`[${r.device}] rescan found ${r.count} frames the watcher missed`);
  }
}

/** Defence in depth: evidence of an event that is no longer ongoing (its end was never seen) is dropped. */
function sweepEvidence(state: DeviceState): number {
  let freed = 0;
  for (const type of state.evidence.keys()) {
    if (!state.ongoing.has(type)) {
      state.evidence.delete(type);
      freed++;
    }
  }
  return freed;
}

import path from 'node:path';
import { SweeperRegistry, formatSweepLine } from '../cache/sweeper-registry.js';
import type { AnyIncidentType } from '../events/types.js';
import { EvidenceCopier } from '../pipeline/evidence.js';
import { IncidentTracker, type IncidentWriter } from '../incidents/incident-tracker.js';
import type { Logger } from '../logger.js';
import { exceedsAlert, formatMemoryAlert, formatMemoryLine, readSelfMemory } from '../memory/self-memory.js';
import { CaptureWatcher, type CapturedFrame, type WatcherRecord } from './capture-watcher.js';
import type { LivePipeline, LivePipelineFactory } from './live-pipeline.js';
import { DeviceIncidents, incidentEvent, storeFailureLines } from '../pipeline/incident-step.js';
import { FrameQueue, type QueueRecord } from './frame-queue.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import { iso } from '../units.js';
import { repeatEvery, type RepeatTimer } from '../lifecycle/repeat-timer.js';
import { MonitorStatus } from '../status/monitor-status.js';
import type { OpenEventStatus, StatusSnapshot } from '../status/status-snapshot.js';
import { StatusWriter } from '../status/status-writer.js';
import { STATUS_INTERVAL_MS } from '../status/status-snapshot.js';
import { SelfCpu } from '../memory/self-cpu.js';
import { SegmentActivity } from './segment-activity.js';
import { SteplessFrameClock } from './frame-clock.js';
import { DEFAULT_STALL_AFTER_MS, STALL_CHECK_INTERVAL_MS, StallWatch, type StallRecord } from './stall-watch.js';

export interface LiveMonitorOptions {
  streamRoot: string;
  devices: readonly string[];
  store: IncidentWriter;
  createPipeline: LivePipelineFactory;
  onEvent: (event: MonitorEvent) => void;
  logger: Logger;
  incidentDelayMs: number;
  queueLimit: number;
  sweepIntervalMs: number;
  memoryLogIntervalMs: number;
  memoryAlertBytes: number;
  rescanIntervalMs?: number;
  /** Wall clock for sweeps and memory samples (frame events use the frame clock). */
  now?: () => number;
  /** Write `<statusDir>/status.json` every STATUS_INTERVAL_MS (the state dir; tests may leave it out). */
  statusDir?: string;
  statusIntervalMs?: number;
  /** Audio is analysed (false: --no-audio or no ffmpeg): the snapshot says `unknown` rather than `ok`, and segments are not watched. */
  audioChecked?: boolean;
  /** `--stall-after`, per device (a config file may set it per device); default DEFAULT_STALL_AFTER_MS. */
  stallAfterMs?: number | ((device: string) => number);
  /** A clock that never jumps, for telling a clock step from a stall (default performance.now). */
  monotonic?: () => number;
  /** `--heartbeat`: one `heartbeat` event per device this often (wall clock); 0 or absent: none. */
  heartbeatMs?: number;
  /** Retention (`--keep-incidents`): every sweep deletes a bounded batch of old incidents with their evidence (IncidentRetention). */
  retention?: { sweep: (nowMs: number) => Promise<void> };
}

interface DeviceState {
  device: string;
  dir: string;
  watcher: CaptureWatcher;
  queue: FrameQueue<CapturedFrame>;
  pipeline: LivePipeline;
  running: Promise<void> | undefined;
  /** Events and stalls -> evidence and incidents (the same step as --replay's). */
  incidents: DeviceIncidents;
  segments: SegmentActivity;
  /** Newest sequence analysed: an older frame is late (see AnalyzeMode.late). */
  newest: number;
  /** Durations across wall-clock steps (frame-clock.ts). */
  frameClock: SteplessFrameClock;
  /** The capture run of the newest frame (CapturedFrame.run): a new run's low numbers are not late. */
  run: number;
  /** The capture stalled: its open freeze/black episodes end at the last frame before the next frame is judged. */
  interruptPending: boolean;
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
  private readonly copier: EvidenceCopier;
  private readonly timers: RepeatTimer[] = [];
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly status: MonitorStatus;
  private readonly statusWriter: StatusWriter | undefined;
  private readonly cpu: SelfCpu;
  private readonly stalls: StallWatch;
  private stopping = false;

  constructor(options: LiveMonitorOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.copier = new EvidenceCopier(
      (m) => options.logger.warn(m),
      (m) => options.logger.info(m),
    );
    this.incidents = new IncidentTracker({
      store: options.store,
      incidentDelayMs: options.incidentDelayMs,
      onRecord: (record) => options.onEvent(incidentEvent(record)),
      now: this.now,
      ...storeFailureLines(
        (m) => options.logger.warn(m),
        (m) => options.logger.info(m),
      ),
    });
    this.stalls = new StallWatch({
      devices: options.devices.map((name) => ({ name, stallAfterMs: this.stallAfterOf(name) })),
      now: this.now,
      monotonic: this.monotonic,
    });
    this.status = new MonitorStatus({
      devices: options.devices,
      startedMs: this.now(),
      monotonic: this.monotonic,
      stallAfterMs: Math.max(0, ...options.devices.map((d) => this.stallAfterOf(d))),
      cpuPercent: () => this.cpu.lastPercent,
    });
    this.cpu = new SelfCpu(options.logger);
    this.statusWriter = options.statusDir
      ? new StatusWriter({
          stateDir: options.statusDir,
          intervalMs: options.statusIntervalMs,
          snapshot: () => this.statusSnapshot(),
          onError: (err) => options.logger.warn(`status snapshot not written: ${err instanceof Error ? err.message : String(err)}`),
        })
      : undefined;
  }

  async start(): Promise<void> {
    const { logger } = this.options;
    for (const device of this.options.devices) {
      const dir = path.join(this.options.streamRoot, device);
      const state: DeviceState = {
        device,
        dir,
        pipeline: this.options.createPipeline(device, dir),
        queue: new FrameQueue<CapturedFrame>({ device, limit: this.options.queueLimit, onRecord: (r) => this.onQueueRecord(r) }),
        watcher: new CaptureWatcher({
          device,
          deviceDir: dir,
          rescanIntervalMs: this.options.rescanIntervalMs,
          onFrame: (frame) => this.enqueue(state, frame),
          onSeen: () => void this.applyStalls(this.stalls.frameSeen(device)),
          onRecord: (r) => this.onWatcherRecord(r),
        }),
        running: undefined,
        incidents: new DeviceIncidents(device, dir, this.incidents, this.copier, (event) => this.options.onEvent(event)),
        segments: new SegmentActivity(dir),
        newest: -1,
        frameClock: new SteplessFrameClock(),
        run: 0,
        interruptPending: false,
      };
      this.devices.set(device, state);
      this.sweepers.register({ name: 'event-evidence', device, sweep: () => ({ freedEntries: this.sweepEvidence(state) }) });
    }
    const retention = this.options.retention;
    if (retention) this.every(this.options.sweepIntervalMs, () => void retention.sweep(this.now()));
    await Promise.all([...this.devices.values()].map((s) => s.watcher.start()));
    this.every(this.options.sweepIntervalMs, () => this.sweep());
    this.every(this.options.memoryLogIntervalMs, () => void this.probeMemory());
    this.every(STALL_CHECK_INTERVAL_MS, () => void this.checkStalls());
    if (this.options.heartbeatMs) this.every(this.options.heartbeatMs, () => this.heartbeat());
    this.every(this.options.statusIntervalMs ?? STATUS_INTERVAL_MS, () => void this.cpu.sample());
    await this.probeMemory();
    await this.statusWriter?.start();
    logger.info(`monitoring ${this.options.devices.join(', ')} under ${this.options.streamRoot}`);
  }

  /** Finish the frames being analysed (not the waiting ones), stop watching; resolves when drained or at the deadline. */
  async stop(deadlineMs: number): Promise<{ drained: boolean; abandoned: number }> {
    this.stopping = true;
    for (const timer of this.timers.splice(0)) timer.clear();
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
    for (const state of this.devices.values()) await state.pipeline.close?.();
    // One last try for incident changes held while the database refused writes; what is left is said, not silently lost.
    this.incidents.retryPending(true);
    if (this.incidents.pendingCount > 0) {
      this.options.logger.warn(
        `${this.incidents.pendingCount} incident changes could not be written before stopping; the next start resolves what the database still has open`,
      );
    }
    // The last snapshot says what the monitor knew at exit; its pid then tells readers it stopped.
    await this.statusWriter?.stop();
    await this.statusWriter?.write();
    await this.cpu.close();
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
      evidence: s.incidents.size,
    }));
  }

  /** What the monitor knows now, in the shape of `<state-dir>/status.json` (the web page renders the same). */
  statusSnapshot(): StatusSnapshot {
    const open = this.incidents.openEntries();
    return this.status.snapshot(this.now(), (device) => {
      const state = this.devices.get(device);
      const events: [AnyIncidentType, number][] = [
        ...(state?.incidents.ongoing ?? []),
        ...this.stalls.ongoing(device).map((o): [AnyIncidentType, number] => [o.type, o.startMs]),
      ];
      const openEvents: OpenEventStatus[] = events.map(([type, startMs]) => ({
        type,
        started_at: iso(startMs),
        incident_id: open.find((o) => o.device === device && o.type === type)?.incidentId ?? null,
      }));
      return {
        dropped: state?.queue.dropped ?? 0,
        watcher: state?.watcher.figures ?? { seen: 0, superseded: 0 },
        queued: state?.queue.size ?? 0,
        behind: state?.queue.backlog ?? false,
        audioChecked: this.options.audioChecked ?? true,
        openEvents,
      };
    });
  }

  private heartbeat(): void {
    const snapshot = this.statusSnapshot();
    for (const d of snapshot.devices) {
      this.options.onEvent({
        event: 'heartbeat',
        ts: snapshot.written_at,
        device: d.device,
        frames_analysed: d.frames_analysed,
        fps: d.fps,
        dropped: d.frames_dropped,
        bad: d.frames_bad,
        frames_seen: d.frames_seen,
        sampled: d.frames_sampled,
        failed: d.frames_failed,
        superseded: d.frames_superseded,
        pending: d.frames_pending,
        last_frame_age_ms: d.last_frame_age_ms,
        states: d.states,
      });
    }
  }

  private every(intervalMs: number, fn: () => void): void {
    this.timers.push(repeatEvery(intervalMs, fn));
  }

  private enqueue(state: DeviceState, frame: CapturedFrame): void {
    if (this.stopping) return;
    this.status.device(state.device).frameReceived(frame.sequence, this.now());
    void this.applyStalls(this.stalls.frameSeen(state.device));
    state.queue.push({ ...frame, steplessMs: state.frameClock.steplessOf(frame.mtimeMs, this.monotonic()) });
    state.running ??= this.work(state).finally(() => (state.running = undefined));
  }

  /** One device's worker: newest frame first, one at a time, until the queue is empty. */
  private async work(state: DeviceState): Promise<void> {
    while (!this.stopping) {
      if (state.interruptPending) await this.interrupt(state);
      const sample = state.queue.backlog;
      const frame = state.queue.pop();
      if (!frame) return;
      const run = frame.run ?? 0;
      if (run > state.run) {
        // A numbering restart: the new run's frame 1 is no late frame of the old run.
        state.run = run;
        state.newest = -1;
      }
      const late = run < state.run || frame.sequence < state.newest;
      if (!late) state.newest = frame.sequence;
      try {
        const outcome = await state.pipeline.frame(frame, { sample, late });
        this.status
          .device(state.device)
          .frameAnalysed(outcome.bad === true, outcome.picture && { sequence: frame.sequence, ...outcome.picture }, outcome.reused === true);
        this.options.onEvent({
          event: 'frame',
          ts: iso(outcome.timeMs),
          device: state.device,
          sequence: frame.sequence,
          sampled: sample,
          late,
          ...(outcome.performanceMs !== undefined ? { performance_ms: outcome.performanceMs } : {}),
        });
        // No segments, no audio analysis: whatever the checker last said is not a loss (segments_stalled says it).
        if (!late) await state.incidents.apply(outcome, (type) => type === 'audio_loss' && this.stalls.isStalled(state.device, 'segments_stalled'));
      } catch (err) {
        // One bad frame (truncated JPEG, vanished file) must not stop the device.
        this.status.device(state.device).frameFailed();
        this.options.logger.warn(`[${state.device}] frame ${frame.sequence}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /**
   * The capture stalled: episodes open on its last frame end there (their incidents resolve), so a
   * freeze in progress when ffmpeg stopped never runs on through the stall and a restart into a
   * fake long freeze. Runs in the device's worker, between two frames.
   */
  private async interrupt(state: DeviceState): Promise<void> {
    state.interruptPending = false;
    const outcome = state.pipeline.interrupt?.();
    if (outcome) await state.incidents.apply(outcome, () => false);
  }

  /** Every STALL_CHECK_INTERVAL_MS: new audio segments, new stalls, and the incidents of stalls still open. */
  private async checkStalls(): Promise<void> {
    if (this.options.audioChecked !== false) {
      for (const state of this.devices.values()) {
        if (await state.segments.look().catch(() => false)) await this.applyStalls(this.stalls.segmentSeen(state.device));
      }
    }
    if (this.stopping) return;
    await this.applyStalls(this.stalls.check());
    const now = this.now();
    for (const state of this.devices.values()) {
      for (const o of this.stalls.ongoing(state.device)) {
        this.incidents.eventOngoing(state.device, o.type, o.startMs, now, state.incidents.evidenceOf(o.type));
      }
    }
  }

  private async applyStalls(records: StallRecord[]): Promise<void> {
    for (const r of records) {
      if (r.kind === 'clock_jump') {
        this.options.onEvent({ event: 'clock_jump', ts: iso(this.now()), jump_ms: r.jumpMs });
        continue;
      }
      const state = this.devices.get(r.device)!;
      if (r.kind === 'stall_started') {
        // last_sequence: the capture's last frame, for a capture stall only (a segments stall has frames flowing).
        const last = r.type === 'capture_stalled' && state.newest >= 0 ? state.newest : null;
        // The last picture before the capture stopped is what a person wants to see.
        state.incidents.hold(r.type, r.type === 'capture_stalled' && last !== null ? await state.incidents.keep([last]) : []);
        if (r.type === 'capture_stalled') {
          state.interruptPending = true;
          state.running ??= this.work(state).finally(() => (state.running = undefined));
        }
        const stallAfterMs = this.stallAfterOf(r.device);
        this.options.onEvent({
          event: 'stall_started',
          ts: iso(r.startMs + stallAfterMs),
          device: r.device,
          type: r.type,
          start: iso(r.startMs),
          last_sequence: last,
          stall_after_ms: stallAfterMs,
        });
      } else {
        state.incidents.release(r.type);
        this.options.onEvent({
          event: 'stall_ended',
          ts: iso(r.endMs),
          device: r.device,
          type: r.type,
          start: iso(r.startMs),
          duration_ms: Math.round(r.endMs - r.startMs),
        });
        this.incidents.eventEnded(r.device, r.type, r.endMs);
      }
    }
  }

  private stallAfterOf(device: string): number {
    const o = this.options.stallAfterMs;
    return typeof o === 'function' ? o(device) : (o ?? DEFAULT_STALL_AFTER_MS);
  }

  /** Defence in depth: evidence of an event or stall that is no longer ongoing (its end was never seen) is dropped. */
  private sweepEvidence(state: DeviceState): number {
    const stalled = new Set<AnyIncidentType>(this.stalls.ongoing(state.device).map((o) => o.type));
    return state.incidents.sweepEvidence((type) => stalled.has(type));
  }

  private sweep(): void {
    const now = this.now();
    for (const report of this.sweepers.sweepAll(now)) {
      this.options.logger.info(formatSweepLine(report.device, this.options.sweepIntervalMs));
      for (const failed of report.caches.filter((c) => c.error))
        this.options.logger.warn(`[${report.device}] cache ${failed.name} sweep failed: ${failed.error}`);
      this.options.onEvent({
        event: 'cache_sweep',
        ts: iso(now),
        device: report.device ?? null,
        freed_entries: report.freedEntries,
        freed_bytes: report.freedBytes,
        next_in_ms: this.options.sweepIntervalMs,
        caches: report.caches.map((c) => ({
          name: c.name,
          freed_entries: c.freedEntries,
          ...(c.freedBytes !== undefined ? { freed_bytes: c.freedBytes } : {}),
          ...(c.error !== undefined ? { error: c.error } : {}),
        })),
      });
    }
  }

  private async probeMemory(): Promise<void> {
    const memory = await readSelfMemory();
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
      this.options.onEvent({
        event: 'dropped',
        ts,
        device: r.device,
        count: r.count,
        first_sequence: r.firstSequence,
        last_sequence: r.lastSequence,
        total: r.total,
      });
    } else {
      this.options.onEvent({ event: 'queue_backlog', ts, device: r.device, active: r.active, size: r.size });
    }
  }

  private onWatcherRecord(r: WatcherRecord): void {
    const { logger } = this.options;
    if (r.kind === 'waiting') logger.warn(`[${r.device}] ${r.dir} does not exist yet; waiting for it`);
    else if (r.kind === 'watching') logger.info(`[${r.device}] watching ${r.dir}${r.hot ? ' (hot, RAM mode)' : ''}`);
    else if (r.kind === 'watch_error') logger.warn(`[${r.device}] watcher error on ${r.dir}: ${r.message}; the rescan takes over`);
    else if (r.kind === 'incomplete') logger.warn(`[${r.device}] frame ${r.sequence} still incomplete after ${r.waitedMs} ms: judged as it is`);
    else if (r.kind === 'numbering_restart')
      this.options.onEvent({ event: 'capture_restarted', ts: iso(this.now()), device: r.device, sequence: r.sequence, run: r.run });
    else logger.debug(`[${r.device}] rescan found ${r.count} frames the watcher missed`);
  }
}

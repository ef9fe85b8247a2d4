import type { Counter, Histogram, Registry } from 'prom-client';
import { ALL_INCIDENT_TYPES } from '../events/types.js';
import type { StatusSnapshot } from '../status/status-snapshot.js';
import type { MonitorEvent } from '../events/monitor-event.js';

/** Analysis time buckets, seconds: a thumbnail takes ~5 ms on a Pi 4, a backlog of full captures ~0.5 s. */
const ANALYSIS_BUCKETS_S = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface MetricsSources {
  /** The live monitor's status snapshot (issue 11): the per-device counts and states. */
  snapshot: () => StatusSnapshot;
  /** The incidents open now (device and type). */
  openIncidents: () => readonly { device: string; type: string }[];
  /** The webhook outbox, when --webhook is on. */
  outbox?: () => { pending: number; failed: number };
  version: string;
}

type PromClient = typeof import('prom-client');

/** vpt_frames_total's outcomes, disjoint: with vpt_frames_pending they add up to vpt_frames_seen_total. */
function frameOutcomes(d: StatusSnapshot['devices'][number]): Record<string, number> {
  return {
    analysed: d.frames_analysed - d.frames_sampled,
    sampled: d.frames_sampled,
    failed: d.frames_failed,
    superseded: d.frames_superseded,
    dropped: d.frames_dropped,
  };
}

const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * The monitor's /metrics: a Registry of its own (never prom-client's global
 * one, so nothing another module registers leaks in), prom-client's default
 * process metrics (process_resident_memory_bytes is the monitor's RSS), and
 * the vpt_ series below. Counters move with the monitor's typed events;
 * gauges are read from the sources at scrape time.
 */
export class MonitorMetrics {
  readonly registry: Registry;
  private readonly analysisSeconds: Histogram<'device'>;
  private readonly incidentsOpened: Counter<'device' | 'type'>;
  private readonly zapChecks: Counter<'device' | 'result'>;
  private readonly actions: Counter<'device' | 'type' | 'result'>;

  private constructor(prom: PromClient, sources: MetricsSources, devices: readonly string[]) {
    const devicesNow = () => sources.snapshot().devices;
    const registry = new prom.Registry();
    this.registry = registry;
    prom.collectDefaultMetrics({ register: registry });
    // prom-client names three gauges *_total, which Prometheus' naming rules (and promtool) reserve for
    // counters; their per-type siblings (nodejs_active_handles etc.) stay and carry the same numbers.
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
    const registers = [registry];
    // The snapshot holds the totals since start; a counter set from it at scrape time.
    const fromSnapshot = (name: string, help: string, value: (d: StatusSnapshot['devices'][number]) => number) =>
      new prom.Counter({
        name,
        help,
        labelNames: ['device'],
        registers,
        collect() {
          this.reset();
          for (const d of devicesNow()) this.inc({ device: d.device }, value(d));
        },
      });
    fromSnapshot('vpt_frames_analysed_total', 'Frames the monitor analysed.', (d) => d.frames_analysed);
    fromSnapshot('vpt_frames_dropped_total', 'Frames dropped from the queue because the analysis could not keep up.', (d) => d.frames_dropped);
    fromSnapshot('vpt_frames_bad_total', 'Frames that could not be analysed (truncated, unreadable, vanished).', (d) => d.frames_bad);
    // The frame account: every frame seen on disk ends in one outcome, or is still pending (vpt_frames_pending).
    fromSnapshot('vpt_frames_seen_total', 'Frames that appeared on disk since the start.', (d) => d.frames_seen);
    new prom.Counter({
      name: 'vpt_frames_total',
      help: 'What became of the frames seen on disk: analysed, sampled (an earlier analysis reused under backlog), failed, superseded (passed over for newer ones), dropped (queue full).',
      labelNames: ['device', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const d of devicesNow()) {
          for (const [outcome, n] of Object.entries(frameOutcomes(d))) this.inc({ device: d.device, outcome }, n);
        }
      },
    });
    new prom.Gauge({
      name: 'vpt_frames_pending',
      help: 'Frames seen on disk and not handled yet (waiting for the watcher or in the queue).',
      labelNames: ['device'],
      registers,
      collect() {
        for (const d of devicesNow()) this.set({ device: d.device }, d.frames_pending);
      },
    });
    this.analysisSeconds = new prom.Histogram({
      name: 'vpt_frame_analysis_seconds',
      help: 'Time to analyse one frame.',
      labelNames: ['device'],
      buckets: ANALYSIS_BUCKETS_S,
      registers,
    });
    new prom.Gauge({
      name: 'vpt_last_frame_age_seconds',
      help: 'Seconds since the last frame of the device was analysed (absent before the first frame).',
      labelNames: ['device'],
      registers,
      collect() {
        this.reset();
        for (const d of devicesNow()) if (d.last_frame_age_ms !== null) this.set({ device: d.device }, d.last_frame_age_ms / 1000);
      },
    });
    new prom.Gauge({
      name: 'vpt_device_state',
      help: '1 while the device is in the state, else 0: black, frozen, audio_lost, audio_stalled (no segments), stalled (no frames).',
      labelNames: ['device', 'state'],
      registers,
      collect() {
        for (const d of devicesNow()) {
          const s = d.states;
          const states = { black: s.black, frozen: s.frozen, audio_lost: s.audio === 'lost', audio_stalled: s.audio === 'stalled', stalled: s.stalled };
          for (const [state, on] of Object.entries(states)) this.set({ device: d.device, state }, on ? 1 : 0);
        }
      },
    });
    new prom.Gauge({
      name: 'vpt_incidents_open',
      help: 'Incidents open now.',
      labelNames: ['device', 'type'],
      registers,
      collect() {
        const counts = new Map<string, number>();
        for (const device of devices) for (const type of ALL_INCIDENT_TYPES) counts.set(`${device}\0${type}`, 0);
        for (const i of sources.openIncidents()) counts.set(`${i.device}\0${i.type}`, (counts.get(`${i.device}\0${i.type}`) ?? 0) + 1);
        this.reset();
        for (const [key, n] of counts) {
          const [device, type] = key.split('\0') as [string, string];
          this.set({ device, type }, n);
        }
      },
    });
    this.incidentsOpened = new prom.Counter({ name: 'vpt_incidents_opened_total', help: 'Incidents opened.', labelNames: ['device', 'type'], registers });
    this.zapChecks = new prom.Counter({
      name: 'vpt_zap_checks_total',
      help: 'Zap confirmations by result: confirmed, not_confirmed.',
      labelNames: ['device', 'result'],
      registers,
    });
    this.actions = new prom.Counter({
      name: 'vpt_actions_total',
      help: 'Actions of [actions] by result: ok, failed, timeout, error, dry_run, suppressed.',
      labelNames: ['device', 'type', 'result'],
      registers,
    });
    if (sources.outbox) {
      const outbox = sources.outbox;
      let last = { pending: 0, failed: 0 };
      const read = () => (last = outbox());
      new prom.Gauge({
        name: 'vpt_webhook_outbox_pending',
        help: 'Webhook notifications not yet delivered.',
        registers,
        collect() {
          this.set(read().pending);
        },
      });
      new prom.Gauge({
        name: 'vpt_webhook_outbox_failed',
        help: 'Undelivered webhook notifications that failed at least once.',
        registers,
        collect() {
          this.set(last.failed);
        },
      });
    }
    new prom.Gauge({
      name: 'vpt_frames_queued',
      help: 'Frames waiting for analysis now.',
      labelNames: ['device'],
      registers,
      collect() {
        for (const d of devicesNow()) this.set({ device: d.device }, d.queued);
      },
    });
    new prom.Gauge({ name: 'vpt_monitor_info', help: "Always 1; the running monitor's version.", labelNames: ['version'], registers }).set(
      { version: sources.version },
      1,
    );
    // Zero series from the start: a rate() over a counter that appears late misses its first increase.
    for (const device of devices) {
      for (const type of ALL_INCIDENT_TYPES) this.incidentsOpened.inc({ device, type }, 0);
      for (const result of ['confirmed', 'not_confirmed']) this.zapChecks.inc({ device, result }, 0);
    }
  }

  /** prom-client is loaded here, when the monitor serves HTTP, never by other commands. */
  static async create(sources: MetricsSources, devices: readonly string[]): Promise<MonitorMetrics> {
    const prom = (await import('prom-client')).default;
    return new MonitorMetrics(prom, sources, devices);
  }

  observe(event: MonitorEvent): void {
    switch (event.event) {
      case 'frame':
        if (event.performance_ms !== undefined) this.analysisSeconds.observe({ device: event.device }, event.performance_ms / 1000);
        break;
      case 'incident_opened':
        this.incidentsOpened.inc({ device: event.device, type: event.type });
        break;
      case 'action':
        this.actions.inc({ device: event.device, type: event.type, result: event.result });
        break;
      case 'zap':
        this.zapChecks.inc({ device: event.device, result: event.zapping_detected ? 'confirmed' : 'not_confirmed' });
        break;
      default:
        break;
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

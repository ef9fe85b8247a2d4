import { promises as fs } from 'node:fs';
import type { ZapConfirmer } from '../audio/zap-confirmer.js';
import type { DeviceSettingsSource } from '../config/device-settings.js';
import type { TrackerRecord } from '../events/event-tracker.js';
import { IncidentTracker, type IncidentRecord, type IncidentWriter } from '../incidents/incident-tracker.js';
import { deviceFps, isVncDevice } from '../layout/device-fps.js';
import { listFrames } from '../layout/frame-listing.js';
import { checkStreamRoot, devicePaths, resolveDevices, type DeviceSpec } from '../layout/stream-layout.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import type { Logger } from '../logger.js';
import { DevicePipeline, REPLAY_SCHEDULE } from '../pipeline/device-pipeline.js';
import { DeviceIncidents, incidentEvent, storeFailureLines } from '../pipeline/incident-step.js';
import { EvidenceCopier } from '../pipeline/evidence.js';
import { WorkerFrameJsonWriter, type FrameJsonWriter } from '../pipeline/frame-json-writer.js';
import { liveDirOf, replayFrames } from './frame-source.js';
import { DeviceSummaryBuilder, type DeviceSummary } from './replay-summary.js';
import { removeDeadWritersTempFiles } from '../lifecycle/stale-temp-files.js';

/**
 * `vpt monitor --replay`: every frame already on disk goes through the live
 * monitor's frame pipeline (pipeline/device-pipeline.ts) and incident step,
 * per device in sequence order, devices in parallel, as fast as the machine
 * allows: the same analysis, events, incidents, per-frame JSON and chunk
 * files as live mode, on the replay clock. What differs is the source
 * (frame-source.ts: frames listed and decoded ahead) and the schedule
 * (REPLAY_SCHEDULE). No UI here: progress and problems go to callbacks, the
 * result is data.
 */
export interface ReplayOptions {
  streamRoot: string;
  devices?: readonly string[];
  /** Per-device settings (config file + flags): detection, timing, fps and the audio switch. */
  settings: DeviceSettingsSource;
  /** Where incidents are opened and resolved: the --state-dir's store, or one in memory. */
  store: IncidentWriter;
  incidentDelayMs?: number;
  onProgress?: (progress: { device: string; done: number; total: number }) => void;
  onRecord?: (record: TrackerRecord) => void;
  /** Events and incidents as the live monitor reports them. */
  onEvent?: (event: MonitorEvent) => void;
  onWarning?: (message: string) => void;
  onInfo?: (message: string) => void;
  /** false: --no-audio or no ffmpeg (audio unknown, never loss). */
  checkAudio?: boolean;
  /** The process's zap confirmation pool (the caller closes it). */
  zaps?: ZapConfirmer;
  logger?: Logger;
}

export interface ReplaySummary {
  streamRoot: string;
  devices: DeviceSummary[];
  frames: number;
  errors: number;
  withoutThumbnail: number;
  writesLost: number;
  incidentsOpened: number;
  incidentsResolved: number;
  elapsedMs: number;
  framesPerSecond: number;
}

export type { DeviceSummary };

export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  await checkStreamRoot(options.streamRoot);
  const specs = await resolveDevices(options.streamRoot, options.devices, (name, problem) =>
    options.onWarning?.(`folder "${name}" under ${options.streamRoot} is not replayed: invalid device name (${problem})`),
  );
  if (specs.length === 0) {
    options.onWarning?.(`no devices under ${options.streamRoot}: no --devices, no existing folder in active_captures.conf, no capture* folder`);
  }
  const summaries = new Map(
    specs.map((spec) => [
      spec.name,
      new DeviceSummaryBuilder(spec.name, deviceFps(spec.name, spec.quality, options.settings.forDevice(spec.name).current.fps)),
    ]),
  );
  // One tracker for the process, as live: --incident-delay on the frame clock.
  const incidents = new IncidentTracker({
    store: options.store,
    incidentDelayMs: options.incidentDelayMs,
    onRecord: (record: IncidentRecord) => {
      summaries.get(record.incident.device)?.incident(record);
      options.onEvent?.(incidentEvent(record));
    },
    ...storeFailureLines(
      (m) => options.onWarning?.(m),
      (m) => options.onInfo?.(m),
    ),
  });
  const started = performance.now();
  // One writer thread for the process's frame JSON (pipeline/frame-json-writer.ts), started with the first device.
  const frameJson = specs.length > 0 ? WorkerFrameJsonWriter.start() : undefined;
  let devices: DeviceSummary[];
  try {
    devices = await Promise.all(specs.map((spec) => replayDevice(spec, summaries.get(spec.name)!, incidents, { ...options, frameJson })));
  } finally {
    await frameJson?.close();
  }
  const elapsedMs = performance.now() - started;
  const sum = (f: (d: DeviceSummary) => number) => devices.reduce((n, d) => n + f(d), 0);
  const frames = sum((d) => d.frames);
  return {
    streamRoot: options.streamRoot,
    devices,
    frames,
    errors: sum((d) => d.errors),
    withoutThumbnail: sum((d) => d.withoutThumbnail),
    writesLost: sum((d) => d.writesLost),
    incidentsOpened: sum((d) => d.incidentsOpened),
    incidentsResolved: sum((d) => d.incidentsResolved),
    elapsedMs: Math.round(elapsedMs),
    framesPerSecond: elapsedMs > 0 ? Math.round((frames * 1000 * 10) / elapsedMs) / 10 : 0,
  };
}

async function replayDevice(
  spec: DeviceSpec,
  summary: DeviceSummaryBuilder,
  incidents: IncidentTracker,
  options: ReplayOptions & { frameJson: FrameJsonWriter | undefined },
): Promise<DeviceSummary> {
  const settings = options.settings.forDevice(spec.name);
  const fps = deviceFps(spec.name, spec.quality, settings.current.fps);
  const paths = await devicePaths(options.streamRoot, spec.name);
  try {
    await fs.access(paths.base);
  } catch {
    options.onWarning?.(`[${spec.name}] device folder ${paths.base} does not exist: skipped`);
    return summary.missing();
  }
  const pipeline = new DevicePipeline({
    device: spec.name,
    fps,
    settings,
    vnc: isVncDevice(spec.name, spec.quality),
    chunksDir: paths.cold.metadata,
    schedule: REPLAY_SCHEDULE,
    frameJson: options.frameJson,
    checkAudio: options.checkAudio === true,
    zaps: options.zaps,
    logger: options.logger,
    onWarning: options.onWarning,
    onInfo: options.onInfo,
    onRecord: (record) => {
      summary.add(record);
      options.onRecord?.(record);
    },
  });
  const step = new DeviceIncidents(
    spec.name,
    paths.base,
    incidents,
    new EvidenceCopier(
      (m) => options.onWarning?.(m),
      (m) => options.onInfo?.(m),
    ),
    (event) => options.onEvent?.(event),
  );
  try {
    // ffmpeg starts while the frames are listed and the first one decoded (audio-timeline.ts REPLAY_EARLY_SEGMENTS).
    pipeline.startAudio(liveDirOf(paths));
    const index = await listFrames(paths);
    if (index.length === 0) return summary.finish([], 0, 0);
    // A replay killed mid-write left .capture_N.json.tmp-<pid>-* files that nothing else removes.
    await removeDeadWritersTempFiles(paths.live.metadata);
    let done = 0;
    for await (const frame of replayFrames(paths, index, fps)) {
      const { outcome, analysis, bad } = await pipeline.frame(frame);
      if (bad) summary.frameError();
      await step.apply(outcome);
      summary.frame(analysis.analyzed, { sequence: frame.sequence, timeMs: frame.timeMs });
      options.onProgress?.({ device: spec.name, done: ++done, total: index.length });
    }
  } finally {
    await pipeline.close();
  }
  return summary.finish(pipeline.openSequences(), pipeline.framesWithoutThumbnail, pipeline.writesLost);
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeviceAudio } from './audio/device-audio.js';
import type { ZapConfirmer } from './audio/zap-confirmer.js';
import type { DetectorThresholds } from './detectors/types.js';
import { EventTracker, type FrameStamp, type OpenSequence, type TrackerRecord } from './events/event-tracker.js';
import { configureSharp } from './frames/image-loader.js';
import { deviceFps, isVncDevice } from './layout/device-fps.js';
import { listFrames } from './layout/frame-listing.js';
import { captureFileName, isChunkFrame, thumbnailFileName } from './layout/frame-names.js';
import { replayFrameTimeMs, type ReplayClock } from './layout/frame-time.js';
import { checkStreamRoot, devicePaths, resolveDevices, type DeviceSpec } from './layout/stream-layout.js';
import { ChunkWriter, chunkEntryFromFrameRecord } from './pipeline/chunk-writer.js';
import { DeviceAnalyzer } from './pipeline/frame-analyzer.js';
import { buildFrameRecord, writeFrameJson, type FrameAudio, type FrameJsonWriteResult } from './pipeline/frame-json.js';
import type { Logger } from './logger.js';
import { loadFrame, replayClockStart, type FrameFiles, type LoadedFrame } from './pipeline/frame-loader.js';
import { DeviceSummaryBuilder, type DeviceSummary } from './replay-summary.js';
import { removeDeadWritersTempFiles } from './lifecycle/stale-temp-files.js';

/**
 * `vpt monitor --replay`: analyse every frame already on disk, per device in
 * sequence order, devices in parallel, as fast as the machine allows, with
 * the same analysis, events, per-frame JSON and chunk files as live mode.
 * No UI here: progress and problems go to callbacks, the result is data.
 */

/**
 * Frames decoded ahead of the one being analysed, per device: decoding runs
 * on libuv's threads while JavaScript runs the detectors. Each is one
 * 320x180 buffer (57 KB).
 */
export const PREFETCH_FRAMES = 2;
/**
 * Per-frame JSON writes in flight per device. Each write is a read, a merge and an atomic
 * write (about nine file operations) to a file of its own: awaiting each before the next
 * frame left the CPU idle for close to half of a replay.
 */
export const WRITES_IN_FLIGHT = 8;

export interface ReplayOptions {
  streamRoot: string;
  devices?: readonly string[];
  fps?: number;
  thresholds?: Partial<DetectorThresholds>;
  macroblocks?: boolean;
  minEventMs?: number;
  onProgress?: (progress: { device: string; done: number; total: number }) => void;
  /** A frame whose files are bad (one call per frame). */
  onFrameError?: (device: string, fileName: string, error: string) => void;
  onRecord?: (record: TrackerRecord) => void;
  onWarning?: (message: string) => void;
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
  elapsedMs: number;
  framesPerSecond: number;
}

export type { DeviceSummary };

export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  await checkStreamRoot(options.streamRoot);
  const specs = await resolveDevices(options.streamRoot, options.devices);
  if (specs.length === 0) {
    options.onWarning?.(`no devices under ${options.streamRoot}: no --devices, no existing folder in active_captures.conf, no capture* folder`);
  }
  configureSharp();
  const started = performance.now();
  const devices = await Promise.all(specs.map((spec) => replayDevice(spec, options)));
  const elapsedMs = performance.now() - started;
  const frames = devices.reduce((n, d) => n + d.frames, 0);
  return {
    streamRoot: options.streamRoot,
    devices,
    frames,
    errors: devices.reduce((n, d) => n + d.errors, 0),
    elapsedMs,
    framesPerSecond: elapsedMs > 0 ? (frames * 1000) / elapsedMs : 0,
  };
}

type Settled = { ok: true; frame: LoadedFrame } | { ok: false; error: unknown };
type Written = { ok: true; result: FrameJsonWriteResult } | { ok: false; error: unknown };

async function replayDevice(spec: DeviceSpec, options: ReplayOptions): Promise<DeviceSummary> {
  const fps = deviceFps(spec.name, spec.quality, options.fps);
  const summary = new DeviceSummaryBuilder(spec.name, fps);
  const paths = await devicePaths(options.streamRoot, spec.name);
  try {
    await fs.access(paths.base);
  } catch {
    options.onWarning?.(`[${spec.name}] device folder ${paths.base} does not exist: skipped`);
    return summary.missing();
  }
  const index = await listFrames(paths);
  if (index.length === 0) return summary.finish([]);
  await fs.mkdir(paths.live.metadata, { recursive: true });
  // A replay killed mid-write left .capture_N.json.tmp-<pid>-* files that nothing else removes.
  await removeDeadWritersTempFiles(paths.live.metadata);
  const analyzer = new DeviceAnalyzer({ thresholds: options.thresholds, macroblocks: options.macroblocks });
  const tracker = new EventTracker(spec.name, options.minEventMs);
  const chunks = new ChunkWriter(paths.cold.metadata, {
    onCorrupt: (file, aside) => options.onWarning?.(`[${spec.name}] corrupt chunk file ${file} set aside as ${path.basename(aside)}`),
  });
  const filesAt = (i: number): FrameFiles => {
    const seq = index.sequences[i]!;
    const side = index.inLive[i] === 1 ? paths.live : paths.cold;
    return { sequence: seq, capturePath: path.join(side.captures, captureFileName(seq)), thumbnailPath: path.join(side.thumbnails, thumbnailFileName(seq)) };
  };
  const clock: ReplayClock = { firstSequence: index.sequences[0]!, firstMtimeMs: await replayClockStart(filesAt, index.length, fps), fps };
  // Replay waits for each audio check it starts (frameAndWait), so it samples where live would.
  const audio = new DeviceAudio({
    device: spec.name,
    liveDir: path.dirname(paths.live.captures),
    fps,
    vnc: isVncDevice(spec.name, spec.quality),
    checkAudio: options.checkAudio === true,
    zaps: options.zaps,
    logger: options.logger,
  });
  const ahead: Promise<Settled>[] = [];
  const writing: Promise<Written>[] = [];
  const settleWrite = async (): Promise<void> => {
    const written = await writing.shift()!;
    if (!written.ok) throw written.error;
    if (written.result.replacedCorrupt) options.onWarning?.(`[${spec.name}] corrupt ${written.result.path} replaced`);
  };
  let next = 0;
  let last: FrameStamp | undefined;
  for (let i = 0; i < index.length; i++) {
    while (ahead.length < PREFETCH_FRAMES + 1 && next < index.length) {
      ahead.push(loadFrame(filesAt(next++)).then((frame): Settled => ({ ok: true, frame }), (error: unknown): Settled => ({ ok: false, error })));
    }
    const settled = await ahead.shift()!;
    if (!settled.ok) throw settled.error;
    const analysis = await analyzer.analyze(settled.frame);
    const stamp: FrameStamp = { sequence: analysis.sequence, timeMs: replayFrameTimeMs(clock, analysis.sequence) };
    let ongoing: OpenSequence[] = [];
    let frameAudio: FrameAudio = audio.carried();
    if (analysis.analyzed) {
      const heard = await audio.frameAndWait(analysis.sequence, stamp.timeMs, analysis.suppressesAudioLoss);
      frameAudio = heard.audio;
      const records = tracker.update(stamp, { ...analysis.verdicts, audio_loss: heard.audioLoss });
      audio.submitZaps(records);
      for (const record of records) {
        summary.add(record);
        options.onRecord?.(record);
      }
      ongoing = tracker.openSequences(stamp);
      last = stamp;
    }
    if (analysis.error !== undefined) {
      summary.frameError();
      options.onFrameError?.(spec.name, captureFileName(analysis.sequence), analysis.error);
    }
    const record = buildFrameRecord({ analysis, timeMs: stamp.timeMs, ongoing, audio: frameAudio, zapping: audio.zapping() });
    if (writing.length >= WRITES_IN_FLIGHT) await settleWrite();
    writing.push(
      writeFrameJson(paths.live.metadata, record, analysis.sequence).then(
        (result): Written => ({ ok: true, result }),
        (error: unknown): Written => ({ ok: false, error }),
      ),
    );
    if (isChunkFrame(analysis.sequence, fps)) await chunks.add(chunkEntryFromFrameRecord(record), stamp.timeMs);
    summary.frame(analysis.analyzed, stamp);
    options.onProgress?.({ device: spec.name, done: i + 1, total: index.length });
  }
  while (writing.length > 0) await settleWrite();
  await chunks.flush();
  await audio.close();
  return summary.finish(last ? tracker.openSequences(last) : []);
}

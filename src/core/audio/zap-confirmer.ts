import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { silentLogger, type Logger } from '../logger.js';
import { ZAP_MARKER_FILE } from '../lifecycle/zap-marker-cleanup.js';
import { SEGMENT_SECONDS, segmentPath, segmentRangeForFrames } from './segment-files.js';
import { checkZapAudio, confirmZap, type ZapAudioResult } from './zap-audio.js';
import { pathExists } from '../fs/path-exists.js';

/** Zap checks running at once across all devices: each is two short ffmpeg runs; a Pi has 4 cores and frames come first. */
export const ZAP_WORKERS = 2;
/** Checks waiting for a worker; beyond this the oldest is dropped (counted): a zap storm must not queue without end. */
export const ZAP_QUEUE_LIMIT = 16;
/** The zap result is added to this many following frames' JSON. */
export const ZAP_FRAMES_WITH_DATA = 5;
/** Devices with zap data still to hand out; more means a bug, and the oldest is forgotten. */
export const ZAP_FIELDS_MAX_DEVICES = 256;
/**
 * Live: when the event ends, the segment after it is still being written.
 * Wait this long (wall clock) for it, then check with what exists.
 */
export const ZAP_SEGMENT_WAIT_MS = 3_000;
const SEGMENT_POLL_MS = 100;

export interface ZapJob {
  device: string;
  /** The device's live `segments/` and `metadata/` folders. */
  segmentsDir: string;
  metadataDir: string;
  eventType: 'blackscreen' | 'freeze';
  /** File names: the event's first frame and the frame that ended it. */
  startFrame: string;
  endFrame: string;
  firstSequence: number;
  lastSequence: number;
  /** Frame clock. */
  endMs: number;
  durationMs: number;
  /** The zap detector saw the banner on some frame of the event. */
  bannerSeen: boolean;
  evidence: string[];
  fps: number;
  segmentSeconds?: number;
}

/** The `zap` event (--json line, log line). */
export interface ZapEvent {
  event: 'zap';
  ts: string;
  device: string;
  frame: string;
  start_frame: string;
  /** The event that was a zap candidate: a short blackscreen or freeze. */
  event_type: 'blackscreen' | 'freeze';
  duration_ms: number;
  zapping_detected: boolean;
  /** Seconds of silence in the merged audio, like ffmpeg's silence_duration (and the old monitor's field). */
  silence_duration: number;
  continuous_audio: boolean | null;
  audio_check: ZapAudioResult['state'];
  banner_seen: boolean;
  evidence: string[];
}

/** What the next frames' JSON carries under `zapping`. */
export type ZapFrameFields = Omit<ZapEvent, 'event' | 'ts' | 'device' | 'evidence'>;

export type ZapCheckFn = (segments: string[], tempDir: string, device: string, signal: AbortSignal) => Promise<ZapAudioResult>;

export interface ZapConfirmerOptions {
  /** The per-process temp folder (`$TMPDIR/vpt-<pid>`). */
  tempDir: string;
  onZap: (event: ZapEvent) => void;
  logger?: Logger;
  workers?: number;
  queueLimit?: number;
  segmentWaitMs?: number;
  check?: ZapCheckFn;
}

/**
 * Zap confirmation off the frame queue: the frame path submits a job and
 * moves on; a small worker pool merges the event's audio and decides. One
 * check per device at a time (its temp files carry the device's name), a
 * bounded queue, and `last_zapping.json` written at each step: `in_progress`,
 * then the result or `aborted`.
 */
export class ZapConfirmer {
  private readonly options: ZapConfirmerOptions;
  private readonly logger: Logger;
  private readonly queue: ZapJob[] = [];
  private readonly busy = new Set<string>(); // devices with a check running: at most `workers` entries
  private readonly running = new Set<Promise<void>>(); // likewise
  private readonly fields = new Map<string, { fields: ZapFrameFields; remaining: number }>();
  private readonly abort = new AbortController();
  dropped = 0;
  checked = 0;

  constructor(options: ZapConfirmerOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  /** Never waits: queue the check and return. */
  submit(job: ZapJob): void {
    if (this.abort.signal.aborted) return;
    const limit = this.options.queueLimit ?? ZAP_QUEUE_LIMIT;
    if (this.queue.length >= limit) {
      const old = this.queue.shift()!;
      this.dropped++;
      this.logger.warn(`[${old.device}] zap check of ${old.endFrame} dropped: ${limit} checks already waiting`);
    }
    this.queue.push(job);
    this.pump();
  }

  /** The zap data for this device's next frame, for ZAP_FRAMES_WITH_DATA frames after a result. */
  takeFrameFields(device: string): ZapFrameFields | undefined {
    const entry = this.fields.get(device);
    if (!entry) return undefined;
    if (--entry.remaining <= 0) this.fields.delete(device);
    return entry.fields;
  }

  get queued(): number {
    return this.queue.length;
  }

  get fieldsHeld(): number {
    return this.fields.size;
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Shutdown: forget the queue, kill running checks (their temp files go in finally) and mark them aborted. */
  async close(): Promise<void> {
    this.abort.abort();
    this.queue.length = 0;
    await this.idle();
  }

  private pump(): void {
    const workers = this.options.workers ?? ZAP_WORKERS;
    while (this.running.size < workers) {
      const index = this.queue.findIndex((j) => !this.busy.has(j.device));
      if (index < 0) return;
      const [job] = this.queue.splice(index, 1);
      this.busy.add(job!.device);
      const run: Promise<void> = this.run(job!).finally(() => {
        this.busy.delete(job!.device);
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(job: ZapJob): Promise<void> {
    const marker = path.join(job.metadataDir, ZAP_MARKER_FILE);
    const base = { device: job.device, frame: job.endFrame, start_frame: job.startFrame, event_type: job.eventType, duration_ms: job.durationMs };
    try {
      await writeFileAtomic(marker, `${JSON.stringify({ status: 'in_progress', ...base, started_at: new Date().toISOString() })}\n`);
      const segments = await this.segmentsFor(job);
      const check = this.options.check ?? ((s, dir, device, signal) => checkZapAudio(s, dir, { device, signal }));
      const audio = await check(segments, this.options.tempDir, job.device, this.abort.signal);
      if (this.abort.signal.aborted) {
        await writeFileAtomic(marker, `${JSON.stringify({ status: 'aborted', ...base, reason: 'monitor stopping' })}\n`);
        return;
      }
      const result: ZapFrameFields = {
        frame: job.endFrame,
        start_frame: job.startFrame,
        event_type: job.eventType,
        duration_ms: job.durationMs,
        zapping_detected: confirmZap(job.bannerSeen, audio.continuousAudio),
        silence_duration: audio.silenceDurationMs / 1000,
        continuous_audio: audio.continuousAudio,
        audio_check: audio.state,
        banner_seen: job.bannerSeen,
      };
      if (audio.error) this.logger.warn(`[${job.device}] zap audio check of ${job.endFrame} failed: ${audio.error}`);
      await writeFileAtomic(marker, `${JSON.stringify({ status: 'done', ...base, ...result, checked_at: new Date().toISOString() })}\n`);
      this.checked++;
      this.remember(job.device, result);
      this.options.onZap({ event: 'zap', ts: new Date(job.endMs).toISOString(), device: job.device, ...result, evidence: job.evidence });
    } catch (err) {
      // A check that fails (metadata folder gone, disk full) is logged; it must not stop the pool.
      this.logger.warn(`[${job.device}] zap check of ${job.endFrame} failed: ${err instanceof Error ? err.message : String(err)}`);
      await writeFileAtomic(marker, `${JSON.stringify({ status: 'aborted', ...base, reason: String(err) })}\n`).catch(() => undefined);
    }
  }

  /** The event's segments plus one after; waits a little for that last one to be written (live). */
  private async segmentsFor(job: ZapJob): Promise<string[]> {
    const range = segmentRangeForFrames(job.firstSequence, job.lastSequence, job.fps, job.segmentSeconds ?? SEGMENT_SECONDS);
    const files = range.map((i) => segmentPath(job.segmentsDir, i));
    const deadline = Date.now() + (this.options.segmentWaitMs ?? ZAP_SEGMENT_WAIT_MS);
    while (!(await pathExists(files.at(-1)!)) && Date.now() < deadline && !this.abort.signal.aborted) await sleep(SEGMENT_POLL_MS);
    return files;
  }

  private remember(device: string, fields: ZapFrameFields): void {
    this.fields.delete(device);
    if (this.fields.size >= ZAP_FIELDS_MAX_DEVICES) this.fields.delete(this.fields.keys().next().value!);
    this.fields.set(device, { fields, remaining: ZAP_FRAMES_WITH_DATA });
  }
}

import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { silentLogger, type Logger } from '../logger.js';
import { ZAP_MARKER_FILE } from '../lifecycle/zap-marker-cleanup.js';
import { AUDIO_NOT_CHECKED, confirmZap, type ZapAudioResult } from './zap-listen.js';

/**
 * Zap checks running at once across all devices. A check reads the device's
 * level history (no program runs); most of its time is waiting for the
 * audio after the gap to be heard, so one per device at a time, up to this many.
 */
export const ZAP_WORKERS = 8;
/** Checks waiting for a worker; beyond this the oldest is dropped (counted): a zap storm must not queue without end. */
export const ZAP_QUEUE_LIMIT = 16;
/** The zap result is added to this many following frames' JSON. */
export const ZAP_FRAMES_WITH_DATA = 5;
/** Devices with zap data still to hand out; more means a bug, and the oldest is forgotten. */
export const ZAP_FIELDS_MAX_DEVICES = 256;

export interface ZapJob {
  device: string;
  /** The device's live `metadata/` folder (last_zapping.json). */
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
  /** Judges the audio around the gap from the device's level stream; undefined: audio is off. */
  listen: ((signal: AbortSignal) => Promise<ZapAudioResult>) | undefined;
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
  /** Seconds of silence heard around the gap, like ffmpeg's silence_duration (and the old monitor's field). */
  silence_duration: number;
  continuous_audio: boolean | null;
  audio_check: ZapAudioResult['state'];
  banner_seen: boolean;
  evidence: string[];
}

/** What the next frames' JSON carries under `zapping`. */
export type ZapFrameFields = Omit<ZapEvent, 'event' | 'ts' | 'device' | 'evidence'>;

export interface ZapConfirmerOptions {
  onZap: (event: ZapEvent) => void;
  logger?: Logger;
  workers?: number;
  queueLimit?: number;
}

/**
 * Zap confirmation off the frame queue: the frame path submits a job and
 * moves on; a small worker pool waits for the audio around the gap to be
 * heard and decides. Nothing is written outside the device's metadata
 * folder (no merged segments, no temp files). One check per device at a
 * time, a bounded queue, and `last_zapping.json` written at each step:
 * `in_progress`, then the result or `aborted`.
 */
export class ZapConfirmer {
  private readonly options: ZapConfirmerOptions;
  private readonly logger: Logger;
  private readonly queue: ZapJob[] = [];
  /** Who waits for each queued or running job (replay); settled when the job ends, is dropped or the pool closes. */
  private readonly done = new WeakMap<ZapJob, () => void>();
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

  /**
   * Queue the check and return at once; the promise settles when the check's
   * result is known (its `done` marker may still be on its way to the disk:
   * idle() waits for that) or when it is dropped. Live never awaits it; a
   * replay does, so that the result lands on the same frames whatever the
   * machine's speed.
   */
  submit(job: ZapJob): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    const limit = this.options.queueLimit ?? ZAP_QUEUE_LIMIT;
    if (this.queue.length >= limit) {
      const old = this.queue.shift()!;
      this.dropped++;
      this.logger.warn(`[${old.device}] zap check of ${old.endFrame} dropped: ${limit} checks already waiting`);
      this.settle(old);
    }
    const over = new Promise<void>((resolve) => this.done.set(job, resolve));
    this.queue.push(job);
    this.pump();
    return over;
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
    for (const job of this.queue.splice(0)) this.settle(job);
    await this.idle();
  }

  private settle(job: ZapJob): void {
    this.done.get(job)?.();
    this.done.delete(job);
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
        this.settle(job!);
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
      const audio = job.listen ? await job.listen(this.abort.signal) : AUDIO_NOT_CHECKED;
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
      this.checked++;
      this.remember(job.device, result);
      this.options.onZap({ event: 'zap', ts: new Date(job.endMs).toISOString(), device: job.device, ...result, evidence: job.evidence });
      // The result is in the next frames' JSON from here: a replay's frames go on while the marker is written (fsync).
      this.settle(job);
      await writeFileAtomic(marker, `${JSON.stringify({ status: 'done', ...base, ...result, checked_at: new Date().toISOString() })}\n`);
    } catch (err) {
      // A check that fails (metadata folder gone, disk full) is logged; it must not stop the pool.
      this.logger.warn(`[${job.device}] zap check of ${job.endFrame} failed: ${err instanceof Error ? err.message : String(err)}`);
      await writeFileAtomic(marker, `${JSON.stringify({ status: 'aborted', ...base, reason: String(err) })}\n`).catch(() => undefined);
    }
  }

  private remember(device: string, fields: ZapFrameFields): void {
    this.fields.delete(device);
    if (this.fields.size >= ZAP_FIELDS_MAX_DEVICES) this.fields.delete(this.fields.keys().next().value!);
    this.fields.set(device, { fields, remaining: ZAP_FRAMES_WITH_DATA });
  }
}

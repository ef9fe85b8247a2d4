import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MissingProgramError, VptError } from '../errors.js';
import { runProgram } from '../process/process-runner.js';
import { evidenceThumbnails } from '../http/image-files.js';
import type { Incident } from '../incidents/incident.js';
import { HOT_FOLDER } from '../layout/stream-layout.js';
import { thumbnailFileName } from '../layout/frame-names.js';
import type { Logger } from '../logger.js';
import { clipPath, type ClipPhase } from './clip-files.js';
import { CLIP_TIMEOUT_MS, CLIP_MAX_BYTES, encodeClip, type ClipLimits } from './clip-encoder.js';
import { CLIP_AFTER_S, clipWindow } from './clip-window.js';

/** Clips waiting at most (an incident storm on a big farm); beyond, the oldest waiting one is dropped. */
export const CLIP_QUEUE_LIMIT = 8;
/** Fewer frames than this found around the centre (rotated away): no clip, the stills remain. */
const CLIP_MIN_FRAMES = 2;
/** After the last frame a clip needs is due, wait this much more for it to be written. */
const CLIP_SETTLE_MS = 1_000;
const AFTER_MS = CLIP_AFTER_S * 1000;

interface ClipJob {
  incidentId: number;
  device: string;
  phase: ClipPhase;
  /** The frame the clip centres on: the event's first (start) or last (end). */
  centre: number;
  notBefore: number;
}

export interface ClipJobsOptions {
  streamRoot: string;
  /** The incident as recorded now (its event start, its evidence). */
  incident: (id: number) => Incident | undefined;
  deviceFps: (device: string) => number;
  /** Add the clip to the incident's evidence: false when the incident is gone (pruned), throws when the database refuses; the clip is removed then. */
  record: (id: number, file: string) => boolean;
  logger: Logger;
  now?: () => number;
  /** Tests shrink them; the service uses CLIP_TIMEOUT_MS and CLIP_MAX_BYTES. */
  limits?: ClipLimits;
}

/**
 * Incident clips, one ffmpeg at a time per monitor (a host runs one): when
 * an incident opens, a clip around its event's first frame once the frames
 * after it exist; when it resolves, one around its last frame. Jobs wait in a
 * queue of at most CLIP_QUEUE_LIMIT. ffmpeg missing: one line, then no clips.
 */
export class ClipJobs {
  private readonly queue: ClipJob[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private stopped = false;
  private ffmpegMissing = false;
  /** Whether ffmpeg runs at all, asked once before the first clip (so a host without it gets no empty clips folder). */
  private ffmpegChecked: Promise<void> | undefined;
  private dropping = false;
  made = 0;

  constructor(private readonly o: ClipJobsOptions) {
    this.now = o.now ?? Date.now;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** An incident opened or resolved: queue its clip (never throws: a clip must not disturb the incident's own path). */
  incidentChanged(kind: 'incident_opened' | 'incident_resolved', incidentId: number): void {
    if (this.stopped || this.ffmpegMissing) return;
    let incident: Incident | undefined;
    try {
      incident = this.o.incident(incidentId);
    } catch (err) {
      this.o.logger.warn(`clips: incident #${incidentId} gets no clip: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // Resolved at a restart or for a device no longer watched: its end was never seen, its frames are long gone.
    if (kind === 'incident_resolved' && incident?.resolveReason !== 'cleared') return;
    const thumbs = incident ? evidenceThumbnails(incident.evidence) : [];
    if (!incident || thumbs.length === 0) {
      this.o.logger.debug(`clips: incident #${incidentId} has no thumbnail kept to centre a clip on`);
      return;
    }
    const now = this.now();
    const phase: ClipPhase = kind === 'incident_opened' ? 'start' : 'end';
    const anchor = phase === 'start' ? incident.eventStartAt : (incident.resolvedAt ?? now);
    // Frame times are the capture's clock, close to ours live; never wait longer than the clip's "after" part.
    const notBefore = Math.min(Math.max(now, anchor + AFTER_MS + CLIP_SETTLE_MS), now + AFTER_MS + CLIP_SETTLE_MS);
    const centre = Math.max(...thumbs.map((t) => t.sequence));
    if (this.queue.length >= CLIP_QUEUE_LIMIT) {
      const dropped = this.queue.shift()!;
      if (!this.dropping) this.o.logger.warn(`clips: more than ${CLIP_QUEUE_LIMIT} waiting; incident #${dropped.incidentId} gets no ${dropped.phase} clip`);
      this.dropping = true;
    }
    this.queue.push({ incidentId, device: incident.device, phase, centre, notBefore });
    this.queue.sort((a, b) => a.notBefore - b.notBefore);
    this.schedule();
  }

  /** Resolves when no clip is being made and none waits (tests). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      await (this.running ?? new Promise((r) => setTimeout(r, 50)));
    }
  }

  /** On exit: the clip in the making is cut (its temp file removed), the waiting ones are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.queue.length > 0) this.o.logger.debug(`clips: ${this.queue.length} not made (stopping)`);
    this.queue.length = 0;
    this.abort.abort();
    await this.running;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.running || this.queue.length === 0) return;
    const wait = this.queue[0]!.notBefore - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.schedule(), wait);
      this.timer.unref();
      return;
    }
    const job = this.queue.shift()!;
    this.running = this.make(job)
      .catch((err: unknown) => this.o.logger.warn(`[${job.device}] incident #${job.incidentId}: no clip: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  private async make(job: ClipJob): Promise<void> {
    const deviceDir = path.resolve(this.o.streamRoot, job.device);
    const window = clipWindow(job.centre, this.o.deviceFps(job.device));
    const frames = (await Promise.all(window.sequences.map((s) => findThumbnail(deviceDir, s)))).filter((f): f is string => f !== undefined);
    const what = `[${job.device}] incident #${job.incidentId}`;
    if (frames.length < CLIP_MIN_FRAMES) {
      this.o.logger.info(`${what}: no ${job.phase} clip: only ${frames.length} frames around #${job.centre} are left`);
      return;
    }
    const output = clipPath(deviceDir, job.incidentId, job.phase);
    let result;
    try {
      this.ffmpegChecked ??= runProgram('ffmpeg', ['-hide_banner', '-version']).then(() => undefined);
      await this.ffmpegChecked;
      result = await encodeClip(frames, window.fps, output, this.o.limits ?? { timeoutMs: CLIP_TIMEOUT_MS, maxBytes: CLIP_MAX_BYTES }, this.abort.signal);
    } catch (err) {
      if (!(err instanceof MissingProgramError)) throw err;
      this.ffmpegMissing = true;
      this.queue.length = 0;
      this.o.logger.warn(`clips: ${err.message}; incidents get no clip (their evidence stills are kept)`);
      return;
    }
    if (this.stopped) return;
    if (!result.ok) {
      this.o.logger.warn(`${what}: no ${job.phase} clip: ${result.reason}`);
      return;
    }
    let recorded = false;
    try {
      recorded = this.o.record(job.incidentId, output);
    } catch (err) {
      // The store's failures (disk full, locked) are said once by the incident tracker; a clip does not repeat them.
      if (!(err instanceof VptError)) throw err;
      this.o.logger.debug(`${what}: ${job.phase} clip not kept: cannot record it (${'code' in err ? String(err.code) : err.name})`);
    } finally {
      // A clip no incident lists would never be pruned with its evidence.
      if (!recorded) await fs.rm(output, { force: true });
    }
    if (!recorded) return;
    this.made++;
    this.dropping = false;
    this.o.logger.info(`${what}: ${job.phase} clip of ${result.frames} frames (${Math.round(result.bytes / 1024)} KB, ${result.ms} ms): ${output}`);
  }
}

/** The thumbnail of `sequence`: in hot storage while it is there, else in cold storage (evidence copies). */
async function findThumbnail(deviceDir: string, sequence: number): Promise<string | undefined> {
  for (const dir of [path.join(deviceDir, HOT_FOLDER, 'thumbnails'), path.join(deviceDir, 'thumbnails')]) {
    const file = path.join(dir, thumbnailFileName(sequence));
    if (
      await fs.stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

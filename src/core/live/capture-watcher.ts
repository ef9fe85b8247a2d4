import { watch, promises as fs, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { captureFileName, parseFrameSequence, thumbnailFileName } from '../layout/frame-names.js';
import { liveFolders } from '../layout/live-folders.js';
import { listCaptures } from './capture-listing.js';
import { FrameDedupe } from './frame-dedupe.js';
import { WatcherAccount, type WatcherFigures } from './frame-account.js';
import { INCOMPLETE_FRAME_MAX_WAIT_MS, waitUntilComplete, type CompletenessClock } from './frame-completeness.js';

export { RECENT_SEQUENCES_CAP } from './frame-dedupe.js';

/** How often the safety-net rescan runs (missed inotify events, a folder that appeared, a dead watcher). */
export const DEFAULT_RESCAN_INTERVAL_MS = 5_000;
/** How often a device folder that does not exist yet is looked for. */
export const WAITING_POLL_MS = 1_000;
/** Claims waiting for their stat, and inotify events held during a rescan: more means inotify is flooding; the rescan catches up. */
export const MAX_QUEUED_CLAIMS = 1024;

export interface CapturedFrame {
  device: string;
  sequence: number;
  /** Full path of the capture in the live folder. */
  path: string;
  /** The frame's time: ffmpeg writes the file as it captures. */
  mtimeMs: number;
  /** Its time without wall-clock steps, for durations (frame-clock.ts); set by the live monitor when it takes the frame. */
  steplessMs?: number;
  /** The live folder is `hot/` (tmpfs): evidence must be copied to cold storage. */
  hot: boolean;
  /** Numbering restarts seen before this frame: frames of one capture run share it (a rewind starts a new run). */
  run?: number;
  /** Still without its JPEG end marker after INCOMPLETE_FRAME_MAX_WAIT_MS (a writer killed mid-file): judged as it is. */
  incomplete?: boolean;
}

export type WatcherRecord =
  | { kind: 'waiting'; device: string; dir: string }
  | { kind: 'watching'; device: string; dir: string; hot: boolean }
  | { kind: 'watch_error'; device: string; dir: string; message: string }
  | { kind: 'rescan_found'; device: string; count: number }
  | { kind: 'incomplete'; device: string; sequence: number; waitedMs: number }
  | { kind: 'numbering_restart'; device: string; sequence: number; run: number };

export interface CaptureWatcherOptions {
  device: string;
  deviceDir: string;
  onFrame: (frame: CapturedFrame) => void;
  /**
   * A frame newer than any reported appeared on disk (its inotify event, or a rescan's listing), before
   * its stat: what the stall watch needs. A starved monitor's stats queue behind frame decodes on the
   * thread pool for seconds; a stall is no new frame on disk, not no frame claimed yet.
   */
  onSeen?: () => void;
  onRecord?: (record: WatcherRecord) => void;
  rescanIntervalMs?: number;
  /** Report frames already on disk at start (default: only new ones; old frames are stale live). */
  includeExisting?: boolean;
  /** How long a frame written in place may stay without its end marker (default INCOMPLETE_FRAME_MAX_WAIT_MS). */
  incompleteMaxWaitMs?: number;
  /** The completeness wait's clock (tests). */
  completenessClock?: CompletenessClock;
}

/**
 * Watches one device's live captures folder. fs.watch (inotify) reports a
 * frame as soon as ffmpeg renames it into place; a periodic rescan catches
 * whatever inotify missed (queue overflow, a folder that appeared or was
 * re-created, a watcher error). Every frame is reported once: a sequence
 * is claimed synchronously before the async stat, and remembered in a
 * bounded set afterwards.
 */
export class CaptureWatcher {
  readonly device: string;
  private readonly options: CaptureWatcherOptions;
  private readonly onRecord: (record: WatcherRecord) => void;
  private watcher: FSWatcher | undefined;
  private watched: { dir: string; ino: number; hot: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private warnedWaiting = false;
  /** The folder has been seen once (the start baseline is taken then). */
  private started = false;
  private readonly dedupe = new FrameDedupe();
  /** Frames seen on disk and passed over (frame-account.ts): a few numbers. */
  private readonly account = new WatcherAccount();
  /** Sequences queued on the claim chain (bounded by MAX_QUEUED_CLAIMS). */
  private readonly inFlight = new Set<number>();
  /** Claims run one at a time, so frames are reported in the order they were found. */
  private chain: Promise<unknown> = Promise.resolve();
  private rescanning: Promise<void> | undefined;
  /** inotify events that arrive during a rescan wait here, so they are reported after the rescan's older finds. */
  private readonly heldEvents = new Map<number, { dir: string; hot: boolean }>();
  private holding = false;
  /**
   * The last frame had its thumbnail: a missing one is waited for (ffmpeg writes it next to the
   * capture). Once one never came, frames stop waiting for thumbnails until one is seen again, so a
   * capture without a thumbnail output is not held INCOMPLETE_FRAME_MAX_WAIT_MS per frame.
   */
  private thumbnailsFlowing = true;

  constructor(options: CaptureWatcherOptions) {
    this.device = options.device;
    this.options = options;
    this.onRecord = options.onRecord ?? (() => undefined);
  }

  async start(): Promise<void> {
    await this.rescan(this.options.includeExisting !== true);
    this.scheduleRescan();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.closeWatcher();
  }

  /** While the folder is missing, look for it more often: its first frames should not pile up. */
  private scheduleRescan(): void {
    if (this.stopped) return;
    const interval = this.options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    const next = this.watched ? interval : Math.min(interval, WAITING_POLL_MS);
    this.timer = setTimeout(() => void this.rescan(false).finally(() => this.scheduleRescan()), next);
  }

  /** Frames seen on disk since the start, and those passed over for newer ones (never handed out). */
  get figures(): WatcherFigures {
    return this.account.figures(this.dedupe.sealed);
  }

  /** How many sequences the dedupe set holds (bounded by RECENT_SEQUENCES_CAP). */
  get rememberedCount(): number {
    return this.dedupe.size;
  }

  /** Re-check the folder: (re)create the watcher if needed, report missed frames. Serialised. */
  rescan(baselineOnly = false): Promise<void> {
    this.rescanning ??= this.holdEventsDuring(() => this.doRescan(baselineOnly)).finally(() => (this.rescanning = undefined));
    return this.rescanning;
  }

  private async holdEventsDuring(work: () => Promise<void>): Promise<void> {
    this.holding = true;
    try {
      await work();
    } finally {
      this.holding = false;
      const held = [...this.heldEvents].sort(([a], [b]) => a - b);
      this.heldEvents.clear();
      for (const [sequence, { dir, hot }] of held) void this.queueClaim(dir, sequence, hot);
    }
  }

  private async doRescan(baselineOnly: boolean): Promise<void> {
    if (this.stopped) return;
    const folders = await liveFolders(this.options.deviceDir);
    const stat = await fs.stat(folders.captures).catch(() => undefined);
    if (!stat?.isDirectory()) {
      this.closeWatcher();
      if (!this.warnedWaiting) {
        this.warnedWaiting = true;
        this.onRecord({ kind: 'waiting', device: this.device, dir: folders.captures });
      }
      return;
    }
    if (!this.watched || this.watched.dir !== folders.captures || this.watched.ino !== stat.ino) {
      this.openWatcher(folders.captures, stat.ino, folders.hot);
    }
    // Streamed, keeping the newest sequence and the few frames worth a stat: bounded whatever the
    // folder holds. The start baseline needs the newest sequence alone.
    const baseline = !this.started && baselineOnly;
    const listing = await listCaptures(folders.captures, (sequence) => !baseline && this.worthChecking(sequence));
    if (!this.started) {
      this.started = true;
      if (baseline && listing.newest !== undefined) {
        // Frames already there at start are stale for a live monitor: start after them.
        const last = listing.newest;
        this.account.start(last);
        this.dedupe.startAfter(last, (await mtimeOf(path.join(folders.captures, captureFileName(last)))) ?? 0);
        return;
      }
      this.account.start();
    }
    let found = 0;
    // Everything on disk is below what we handed out: ffmpeg may have restarted its numbering.
    const newest = listing.newest;
    if (newest !== undefined) this.account.seen(newest);
    if (newest !== undefined && newest > this.dedupe.highest) this.options.onSeen?.();
    if (newest !== undefined && newest < this.dedupe.highest && (await this.queueClaim(folders.captures, newest, folders.hot, true))) found++;
    for (const sequence of listing.found) {
      if (this.stopped) return;
      if (!this.worthChecking(sequence)) continue;
      if (await this.queueClaim(folders.captures, sequence, folders.hot, true)) found++;
    }
    if (found > 0) this.onRecord({ kind: 'rescan_found', device: this.device, count: found });
  }

  private openWatcher(dir: string, ino: number, hot: boolean): void {
    this.closeWatcher();
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        // A frame appears by a rename (atomic writer) or a create (in-place writer); a 'change' is a write,
        // which after a numbering restart may be ffmpeg rewriting an old name in place. The claim's mtime
        // check drops the writes of a frame already handed out.
        const sequence = filename ? parseFrameSequence(filename.toString()) : undefined;
        // No pre-filter on `recent`: a known name with a newer mtime is a numbering restart.
        if (sequence === undefined) return;
        // Deletions (hot rotation) are events too: only a name above every frame handed out is news.
        if (this.started && sequence > this.dedupe.highest) {
          this.account.seen(sequence);
          this.options.onSeen?.();
        }
        // Before the first listing has set the baseline (the watcher opens just before it, inside the
        // rescan), an event is held like any during a rescan, not dropped: a frame renamed between the
        // listing's readdir and its result would otherwise wait for the next rescan and come out late.
        if (!this.holding && this.started) void this.queueClaim(dir, sequence, hot);
        else if (this.heldEvents.size < MAX_QUEUED_CLAIMS) this.heldEvents.set(sequence, { dir, hot });
        // Beyond that the next rescan finds them.
      });
      watcher.on('error', (err) => {
        this.onRecord({ kind: 'watch_error', device: this.device, dir, message: err.message });
        // The next rescan re-creates it; until then the rescan alone finds frames.
        if (this.watcher === watcher) this.closeWatcher();
      });
      this.watcher = watcher;
      this.watched = { dir, ino, hot };
      this.warnedWaiting = false;
      this.onRecord({ kind: 'watching', device: this.device, dir, hot });
    } catch (err) {
      this.onRecord({ kind: 'watch_error', device: this.device, dir, message: err instanceof Error ? err.message : String(err) });
    }
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.watched = undefined;
  }

  /** Cheap filter for the rescan (no stat): could this sequence be a frame not yet reported? */
  private worthChecking(sequence: number): boolean {
    return this.dedupe.mightBeNew(sequence) && !this.inFlight.has(sequence);
  }

  /**
   * Queue a claim behind the others. A sequence already queued is skipped;
   * so are inotify events beyond MAX_QUEUED_CLAIMS (the rescan covers them,
   * and its own claims, one at a time, are never refused).
   */
  private queueClaim(dir: string, sequence: number, hot: boolean, fromRescan = false): Promise<boolean> {
    if (this.inFlight.has(sequence) || (!fromRescan && this.inFlight.size >= MAX_QUEUED_CLAIMS)) return Promise.resolve(false);
    this.inFlight.add(sequence);
    const claimed = this.chain.then(() => this.claim(dir, sequence, hot)).finally(() => this.inFlight.delete(sequence));
    this.chain = claimed.catch(() => undefined);
    return claimed;
  }

  /**
   * Stat (the event may be a deletion, or the frame already rotated away), wait until the frame's
   * files are whole (frame-completeness.ts), decide on the final mtime, report once.
   */
  private async claim(dir: string, sequence: number, hot: boolean): Promise<boolean> {
    const file = path.join(dir, captureFileName(sequence));
    const firstMtimeMs = await mtimeOf(file);
    if (firstMtimeMs === undefined || this.stopped || !this.dedupe.wouldAccept(sequence, firstMtimeMs)) return false;
    const thumbnails = path.join(path.dirname(dir), 'thumbnails');
    const whole = await waitUntilComplete(
      [
        { path: file, waitIfMissing: false, next: path.join(dir, captureFileName(sequence + 1)) },
        {
          path: path.join(thumbnails, thumbnailFileName(sequence)),
          waitIfMissing: this.thumbnailsFlowing,
          next: path.join(thumbnails, thumbnailFileName(sequence + 1)),
        },
      ],
      this.options.incompleteMaxWaitMs ?? INCOMPLETE_FRAME_MAX_WAIT_MS,
      this.options.completenessClock,
      () => this.stopped,
    );
    this.thumbnailsFlowing = whole.states[1] !== 'missing';
    // Written in place, the mtime moved while we waited: the frame's time is its last write.
    const mtimeMs = await mtimeOf(file);
    if (mtimeMs === undefined || this.stopped) return false;
    const restartsBefore = this.dedupe.restarts;
    if (!this.dedupe.accept(sequence, mtimeMs)) return false;
    const run = this.dedupe.restarts;
    if (run !== restartsBefore) {
      this.account.restarted(sequence);
      this.onRecord({ kind: 'numbering_restart', device: this.device, sequence, run });
    }
    this.account.handed(sequence);
    if (!whole.complete) this.onRecord({ kind: 'incomplete', device: this.device, sequence, waitedMs: Math.round(whole.waitedMs) });
    this.options.onFrame({ device: this.device, sequence, path: file, mtimeMs, hot, run, ...(whole.complete ? {} : { incomplete: true }) });
    return true;
  }
}

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

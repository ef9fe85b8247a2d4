import { watch, promises as fs, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { captureName, liveFolders, parseCaptureName } from './capture-files.js';

/** How often the safety-net rescan runs (missed inotify events, a folder that appeared, a dead watcher). */
export const DEFAULT_RESCAN_INTERVAL_MS = 5_000;
/**
 * Sequences handed out recently, per device (the highest ones). A frame is
 * new when it is not in the set and above the lowest sequence the set has
 * let go of; anything lower is stale. 1024 frames is 200 s at 5 fps, far
 * more than a rescan interval can miss, and the set never holds more.
 */
export const RECENT_SEQUENCES_CAP = 1024;

export interface CapturedFrame {
  device: string;
  sequence: number;
  /** Full path of the capture in the live folder. */
  path: string;
  /** The frame's time: ffmpeg writes the file as it captures. */
  mtimeMs: number;
  /** The live folder is `hot/` (tmpfs): evidence must be copied to cold storage. */
  hot: boolean;
}

export type WatcherRecord =
  | { kind: 'waiting'; device: string; dir: string }
  | { kind: 'watching'; device: string; dir: string; hot: boolean }
  | { kind: 'watch_error'; device: string; dir: string; message: string }
  | { kind: 'rescan_found'; device: string; count: number };

export interface CaptureWatcherOptions {
  device: string;
  deviceDir: string;
  onFrame: (frame: CapturedFrame) => void;
  onRecord?: (record: WatcherRecord) => void;
  rescanIntervalMs?: number;
  /** Report frames already on disk at start (default: only new ones; old frames are stale live). */
  includeExisting?: boolean;
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
  /** Frames at or below this were on disk at start: stale, never reported. */
  private floor = -1;
  private highest = -1;
  /** Highest sequence evicted from `recent`: at or below it, a frame is stale. */
  private evictedFloor = -1;
  /** Newest mtime handed out: a known sequence with a newer mtime means ffmpeg restarted its numbering. */
  private highestMtime = 0;
  /** After a numbering restart, files older than the restart are the old run's leftovers. */
  private staleBeforeMtime = 0;
  private readonly recent = new Set<number>();
  private readonly inFlight = new Set<number>();
  private rescanning: Promise<void> | undefined;

  constructor(options: CaptureWatcherOptions) {
    this.device = options.device;
    this.options = options;
    this.onRecord = options.onRecord ?? (() => undefined);
  }

  async start(): Promise<void> {
    await this.rescan(this.options.includeExisting !== true);
    const interval = this.options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    this.timer = setInterval(() => void this.rescan(false), interval);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.closeWatcher();
  }

  /** How many sequences the dedupe set holds (bounded by RECENT_SEQUENCES_CAP). */
  get rememberedCount(): number {
    return this.recent.size;
  }

  /** Re-check the folder: (re)create the watcher if needed, report missed frames. Serialised. */
  rescan(baselineOnly = false): Promise<void> {
    this.rescanning ??= this.doRescan(baselineOnly).finally(() => (this.rescanning = undefined));
    return this.rescanning;
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
    const names = await fs.readdir(folders.captures).catch(() => [] as string[]);
    const sequences = names.map(parseCaptureName).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
    if (!this.started) {
      this.started = true;
      if (baselineOnly && sequences.length > 0) {
        // Frames already there at start are stale for a live monitor: start after them.
        const last = sequences.at(-1)!;
        this.floor = last;
        this.remember(last, (await mtimeOf(path.join(folders.captures, captureName(last)))) ?? 0);
        return;
      }
    }
    let found = 0;
    // Everything on disk is below what we handed out: ffmpeg may have restarted its numbering.
    const newest = sequences.at(-1);
    if (newest !== undefined && newest < this.highest && (await this.claim(folders.captures, newest, folders.hot))) found++;
    for (const sequence of sequences) {
      if (this.stopped) return;
      if (!this.worthChecking(sequence)) continue;
      if (await this.claim(folders.captures, sequence, folders.hot)) found++;
    }
    if (found > 0) this.onRecord({ kind: 'rescan_found', device: this.device, count: found });
  }

  private openWatcher(dir: string, ino: number, hot: boolean): void {
    this.closeWatcher();
    try {
      const watcher = watch(dir, { persistent: false }, (event, filename) => {
        // A frame appears by a rename (or create); a 'change' is a write to a name already there.
        const sequence = event === 'rename' && filename ? parseCaptureName(filename.toString()) : undefined;
        // No pre-filter on `recent`: a known name with a newer mtime is a numbering restart.
        if (sequence !== undefined && this.started) void this.claim(dir, sequence, hot);
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

  /** At or below the start baseline, or below the lowest sequence the set still remembers. */
  private belowTracked(sequence: number): boolean {
    return sequence <= this.floor || sequence <= this.evictedFloor;
  }

  /** Cheap filter for the rescan (no stat): could this sequence be a frame not yet reported? */
  private worthChecking(sequence: number): boolean {
    return !this.belowTracked(sequence) && !this.recent.has(sequence) && !this.inFlight.has(sequence);
  }

  /** Stat (the event may be a deletion, or the frame already rotated away), decide, report once. */
  private async claim(dir: string, sequence: number, hot: boolean): Promise<boolean> {
    if (this.inFlight.has(sequence)) return false;
    this.inFlight.add(sequence);
    try {
      const file = path.join(dir, captureName(sequence));
      const mtimeMs = await mtimeOf(file);
      if (mtimeMs === undefined || this.stopped) return false;
      if (this.recent.has(sequence) || this.belowTracked(sequence)) {
        // Seen (or long gone) yet written after every frame handed out: ffmpeg restarted
        // its numbering. Anything else is a duplicate event or a stale file.
        if (mtimeMs <= this.highestMtime) return false;
        this.recent.clear();
        this.floor = -1;
        this.evictedFloor = -1;
        this.highest = -1;
        this.staleBeforeMtime = mtimeMs;
      } else if (mtimeMs < this.staleBeforeMtime) {
        return false; // left over from before a numbering restart
      }
      this.remember(sequence, mtimeMs);
      this.options.onFrame({ device: this.device, sequence, path: file, mtimeMs, hot });
      return true;
    } finally {
      this.inFlight.delete(sequence);
    }
  }

  private remember(sequence: number, mtimeMs: number): void {
    this.recent.add(sequence);
    if (this.recent.size > RECENT_SEQUENCES_CAP) {
      // Evict the lowest, not the oldest inserted: then every sequence handed out above
      // evictedFloor is still in the set, whatever order frames were found in.
      let lowest = Infinity;
      for (const s of this.recent) if (s < lowest) lowest = s;
      this.recent.delete(lowest);
      this.evictedFloor = Math.max(this.evictedFloor, lowest);
    }
    if (sequence > this.highest) this.highest = sequence;
    if (mtimeMs > this.highestMtime) this.highestMtime = mtimeMs;
  }
}

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

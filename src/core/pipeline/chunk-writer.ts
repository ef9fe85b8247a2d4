import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { RefusedFileError, readBoundedFile } from '../fs/bounded-read.js';
import { errnoCode } from '../errors.js';
import { withFileLock } from './file-lock.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';
import { compactTime } from '../units.js';

/**
 * The 10-minute chunk files of cold storage (docs/design.md "Outputs"): once per
 * second of video a frame's verdicts are appended to
 * `<device>/metadata/<H>/chunk_10min_<M/10>.json`, where H is the hour of
 * day of the frame time in local time, 0-23 without padding, and M its
 * minute. That is the farm's existing archive layout (a 24-hour rolling
 * archive read by the archive player as `metadata/13/chunk_10min_2.json`),
 * so a chunk file from the same hour of an earlier day is replaced, not
 * mixed in. The file keeps the farm's fields (`frames`, `frames_count`,
 * `start_time`, `end_time`, `zapping_count`, `zapping_sequences`).
 */

/** Entries buffered before a write: one chunk's worth at one entry per second. */
export const CHUNK_MAX_PENDING = 600;
export const CHUNK_MINUTES = 10;
/**
 * A chunk file larger than this is not read (it would be held and parsed whole, every second in
 * live mode): it is set aside as a corrupt one is. A full chunk of vpt's is 600 entries of ~250 bytes
 * (~150 KB); the bound leaves room for other tools' keys.
 */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ChunkEntry {
  sequence: number;
  timestamp: string;
  filename: string;
  [key: string]: unknown;
}

export interface ChunkLocation {
  hour: number;
  chunkIndex: number;
  /** Start of the 10-minute window, ms since the epoch. */
  windowStartMs: number;
}

export function chunkLocation(timeMs: number): ChunkLocation {
  const d = new Date(timeMs);
  const chunkIndex = Math.floor(d.getMinutes() / CHUNK_MINUTES);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), chunkIndex * CHUNK_MINUTES, 0, 0);
  return { hour: d.getHours(), chunkIndex, windowStartMs: start.getTime() };
}

export function chunkFilePath(coldMetadataDir: string, loc: ChunkLocation): string {
  return path.join(coldMetadataDir, String(loc.hour), `chunk_10min_${loc.chunkIndex}.json`);
}

export interface ChunkWriterOptions {
  maxPending?: number;
  /** A corrupt chunk was set aside (renamed) and a new one started. */
  onCorrupt?: (chunkPath: string, asidePath: string, reason?: string) => void;
}

/**
 * Buffers entries per chunk file and merges them in on flush: when the
 * frame time moves to another chunk, when CHUNK_MAX_PENDING entries wait,
 * or when the caller flushes (live mode after each entry; replay at the
 * end). A replay thus rewrites each chunk file about once, not 600 times.
 */
export class ChunkWriter {
  private pending: ChunkEntry[] = [];
  private location: ChunkLocation | undefined;
  private readonly maxPending: number;

  constructor(
    private readonly coldMetadataDir: string,
    private readonly options: ChunkWriterOptions = {},
  ) {
    this.maxPending = options.maxPending ?? CHUNK_MAX_PENDING;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The chunk file the pending entries go to (for a failure's message). */
  get pendingPath(): string | undefined {
    return this.location ? chunkFilePath(this.coldMetadataDir, this.location) : undefined;
  }

  /** Returns whether a chunk file was written (false: the entry only waits in memory). */
  async add(entry: ChunkEntry, timeMs: number): Promise<boolean> {
    const loc = chunkLocation(timeMs);
    let wrote = false;
    if (this.location && this.location.windowStartMs !== loc.windowStartMs) wrote = await this.flush();
    this.location = loc;
    this.pending.push(entry);
    if (this.pending.length >= this.maxPending) wrote = (await this.flush()) || wrote;
    return wrote;
  }

  /** Returns whether a chunk file was written. */
  async flush(): Promise<boolean> {
    if (!this.location || this.pending.length === 0) return false;
    const entries = this.pending;
    const loc = this.location;
    this.pending = [];
    await mergeIntoChunk(chunkFilePath(this.coldMetadataDir, loc), loc, entries, this.options.onCorrupt);
    return true;
  }
}

/** Read-merge-write of one chunk under its lock; entries replace older ones of the same sequence. */
export async function mergeIntoChunk(
  chunkPath: string,
  loc: ChunkLocation,
  entries: readonly ChunkEntry[],
  onCorrupt?: (chunkPath: string, asidePath: string, reason?: string) => void,
): Promise<void> {
  await fs.mkdir(path.dirname(chunkPath), { recursive: true });
  await withFileLock(`${chunkPath}.lock`, async () => {
    const existing = await readChunkFrames(chunkPath, onCorrupt);
    const windowEnd = loc.windowStartMs + CHUNK_MINUTES * 60_000;
    const bySequence = new Map<number, ChunkEntry>();
    for (const frame of existing) {
      const t = Date.parse(frame.timestamp);
      // Same hour-of-day folder, earlier day: the rolling archive replaces it.
      if (Number.isFinite(t) && (t < loc.windowStartMs || t >= windowEnd)) continue;
      bySequence.set(frame.sequence, frame);
    }
    for (const entry of entries) bySequence.set(entry.sequence, entry);
    const frames = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
    const zapping = frames.filter((f) => f.zapping === true).map((f) => f.sequence);
    const chunk = {
      schema_version: SCHEMA_VERSION.chunk,
      hour: loc.hour,
      chunk_index: loc.chunkIndex,
      frames_count: frames.length,
      start_time: frames[0]?.timestamp ?? null,
      end_time: frames[frames.length - 1]?.timestamp ?? null,
      zapping_count: zapping.length,
      zapping_sequences: zapping,
      frames,
    };
    await writeFileAtomic(chunkPath, `${JSON.stringify(chunk, null, 1)}\n`);
  });
}

async function readChunkFrames(chunkPath: string, onCorrupt?: (chunkPath: string, asidePath: string, reason?: string) => void): Promise<ChunkEntry[]> {
  let text: string;
  let reason: string | undefined;
  try {
    text = await readBoundedFile(chunkPath, MAX_CHUNK_BYTES);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    // A FIFO, /dev/zero behind a symlink, a 300 MB file: never read (it would block or fill memory), set aside.
    if (!(err instanceof RefusedFileError)) throw err;
    text = '';
    reason = err.reason;
  }
  const frames = parseChunkFrames(text);
  if (frames) return frames;
  const aside = `${chunkPath}.corrupt-${compactTime(new Date())}`;
  await fs.rename(chunkPath, aside);
  onCorrupt?.(chunkPath, aside, reason);
  return [];
}

/** The frames of a chunk file, or undefined when it is not one (corrupt, truncated, wrong shape). */
export function parseChunkFrames(text: string): ChunkEntry[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { frames?: unknown }).frames)) return undefined;
  const frames = (parsed as { frames: unknown[] }).frames;
  return frames.filter(
    (f): f is ChunkEntry => !!f && typeof f === 'object' && Number.isInteger((f as ChunkEntry).sequence) && typeof (f as ChunkEntry).timestamp === 'string',
  );
}

/** The per-second archive entry of a frame: the verdicts, not the evidence numbers of every detector. */
export function chunkEntryFromFrameRecord(record: Record<string, unknown>): ChunkEntry {
  const entry: ChunkEntry = {
    sequence: record.sequence as number,
    timestamp: record.timestamp as string,
    filename: record.filename as string,
  };
  for (const key of ['analyzed', 'error', 'blackscreen', 'blackscreen_percentage', 'freeze', 'freeze_diffs', 'macroblocks', 'audio', 'mean_volume_db']) {
    if (record[key] !== undefined) entry[key] = record[key];
  }
  // The farm's archive player looks for `zapping` on a chunk frame.
  if (record.zap === true) entry.zapping = true;
  return entry;
}

import path from 'node:path';
import { writeFileAtomic, writeFileAtomicSyncNoFsync } from '../fs/atomic-write.js';
import { RefusedFileError, readBoundedFileSync } from '../fs/bounded-read.js';
import { errnoCode } from '../errors.js';
import type { OpenSequence } from '../events/event-tracker.js';
import { SEQUENCE_TYPES } from '../events/event-tracker.js';
import { captureFileName, metadataFileName } from '../layout/frame-names.js';
import { isoLocal } from '../layout/frame-time.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';
import type { FrameAnalysis } from './frame-analyzer.js';

/** What the audio analysis knows about the frame's time (the last check's result, carried between checks). */
export interface FrameAudio {
  /** true: sound; false: silence; null: unknown (not analysed, --no-audio, no ffmpeg). */
  audio: boolean | null;
  meanVolumeDb?: number;
  /** Frame-clock time of the check behind this result (ISO 8601). */
  checkTimestamp?: string;
  /** The segment that check analysed. */
  segmentFile?: string;
}

export interface FrameRecordInput {
  analysis: FrameAnalysis;
  timeMs: number;
  /** Sequences open at this frame (EventTracker.openSequences). */
  ongoing: readonly OpenSequence[];
  audio?: FrameAudio;
  /** The latest zap confirmation, on the few frames after it (ZapConfirmer.takeFrameFields). */
  zapping?: object;
}

/** Every key vpt writes into a frame's JSON; on merge, old values of these are dropped first. */
export const FRAME_JSON_KEYS: readonly string[] = [
  'vpt_schema_version',
  'analyzed',
  'timestamp',
  'filename',
  'sequence',
  'source',
  'error',
  'sampled',
  'blackscreen',
  'blackscreen_percentage',
  'zap',
  'zap_edge_density_percentage',
  'freeze',
  'freeze_diffs',
  'freeze_rule',
  'freeze_changed_area',
  'freeze_noise_floor',
  'freeze_pixel_threshold',
  'masked_percentage',
  'macroblocks',
  'macroblocks_score',
  'audio',
  'mean_volume_db',
  'audio_check_timestamp',
  'audio_segment_file',
  'zapping',
  'performance_ms',
  ...SEQUENCE_TYPES.flatMap((t) => [`${t}_event_start`, `${t}_event_duration_ms`]),
];

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * An existing frame JSON larger than this is not read (it would be held whole in memory, on every
 * frame): it is replaced as corrupt content is. vpt's record is ~1 KB; other tools add a few keys.
 */
export const MAX_FRAME_JSON_BYTES = 1024 * 1024;

/**
 * The per-frame JSON (docs/design.md "Outputs"). Numbers behind each verdict are
 * included so an operator can see why; `error` says what was wrong with the
 * frame's files (with `analyzed: false` when nothing could be decoded).
 */
export function buildFrameRecord(input: FrameRecordInput): Record<string, unknown> {
  const { analysis: a } = input;
  const record: Record<string, unknown> = {
    // Prefixed: the file is shared with the farm's other tools, whose keys are merged in (a bare
    // `schema_version` of theirs would be replaced by ours).
    vpt_schema_version: SCHEMA_VERSION.frameJson,
    analyzed: a.analyzed,
    timestamp: isoLocal(input.timeMs),
    filename: captureFileName(a.sequence),
    sequence: a.sequence,
  };
  if (a.error !== undefined) record.error = a.error;
  if (a.analyzed) {
    record.source = a.source;
    if (a.sampled) record.sampled = true;
    record.blackscreen = a.verdicts.blackscreen;
    record.blackscreen_percentage = round2(a.blackscreen?.darkPercent ?? 0);
    record.zap = a.verdicts.zap;
    const edges = a.zap?.edgeDensityPercent;
    record.zap_edge_density_percentage = typeof edges === 'number' ? round2(edges) : null;
    record.freeze = a.verdicts.freeze;
    record.freeze_diffs = (a.freeze?.diffs ?? []).map(round2);
    // The freeze rule's evidence (docs/monitor-replay.md "Freeze"): what changed, against which noise.
    const f = a.freeze;
    if (f?.rule !== undefined) record.freeze_rule = f.rule;
    if (f?.changedAreas !== undefined) record.freeze_changed_area = f.changedAreas;
    if (f?.noiseFloor !== undefined) record.freeze_noise_floor = round2(f.noiseFloor);
    if (f?.pixelThreshold !== undefined) record.freeze_pixel_threshold = f.pixelThreshold;
    record.masked_percentage = round2(f?.maskedPercent ?? a.blackscreen?.maskedPercent ?? 0);
    record.macroblocks = a.verdicts.macroblocks ?? null;
    if (a.macroblocks) record.macroblocks_score = round2(a.macroblocks.score);
    record.audio = input.audio?.audio ?? null;
    if (input.audio?.meanVolumeDb !== undefined) record.mean_volume_db = round2(input.audio.meanVolumeDb);
    if (input.audio?.checkTimestamp !== undefined) record.audio_check_timestamp = input.audio.checkTimestamp;
    if (input.audio?.segmentFile !== undefined) record.audio_segment_file = input.audio.segmentFile;
    if (input.zapping !== undefined) record.zapping = input.zapping;
    for (const open of input.ongoing) {
      record[`${open.type}_event_start`] = isoLocal(open.startMs);
      record[`${open.type}_event_duration_ms`] = Math.round(open.durationMs);
    }
  }
  record.performance_ms = round2(a.performanceMs);
  return record;
}

export interface FrameJsonWriteResult {
  path: string;
  /** An existing file was not valid JSON (or not an object) and was replaced. */
  replacedCorrupt: boolean;
}

/**
 * Write `metadata/capture_NNNNNNNNN.json`, merged into what other tools
 * already wrote for the frame: their keys are kept, vpt's own keys are
 * replaced as a whole (a stale `freeze_event_start` from an earlier run
 * must not survive). A corrupt existing file is replaced. Written
 * atomically; no fsync, because these files are many, short-lived in hot
 * storage, and rebuilt by a replay, while the rename still guarantees a
 * reader never sees half a file.
 */
export async function writeFrameJson(metadataDir: string, record: Record<string, unknown>, sequence: number): Promise<FrameJsonWriteResult> {
  const target = path.join(metadataDir, metadataFileName(sequence));
  const merged = mergeFrameJson(readExisting(target), record);
  await writeFileAtomic(target, merged.text, { fsync: false });
  return { path: target, replacedCorrupt: merged.replacedCorrupt };
}

/** writeFrameJson, synchronously: the replay's writer thread (frame-json-worker.ts) calls it. */
export function writeFrameJsonSync(metadataDir: string, record: Record<string, unknown>, sequence: number): FrameJsonWriteResult {
  const target = path.join(metadataDir, metadataFileName(sequence));
  const merged = mergeFrameJson(readExisting(target), record);
  writeFileAtomicSyncNoFsync(target, merged.text);
  return { path: target, replacedCorrupt: merged.replacedCorrupt };
}

/**
 * The frame's file as it is, or undefined when there is none. One synchronous read: the file is a few
 * hundred bytes, written moments ago (by us or another tool) and in the page cache; the four
 * thread-pool round trips of an async read (open, fstat, read, close) cost more main-thread time than
 * the read itself and queue behind the frame decodes.
 */
function readExisting(target: string): string | undefined {
  try {
    return readBoundedFileSync(target, MAX_FRAME_JSON_BYTES);
  } catch (err) {
    // Not a frame's JSON (a FIFO, /dev/zero behind a symlink, over the bound): '' does not parse, so
    // it is replaced (the rename replaces the link or FIFO itself) and said once, as corrupt content.
    if (err instanceof RefusedFileError) return '';
    // Unreadable for another reason (EACCES): do not clobber what we cannot see.
    if (errnoCode(err) !== 'ENOENT') throw err;
    return undefined;
  }
}

/** Other tools' keys kept, vpt's own replaced as a whole; a corrupt file's content is dropped. */
function mergeFrameJson(existingText: string | undefined, record: Record<string, unknown>): { text: string; replacedCorrupt: boolean } {
  let existing: Record<string, unknown> = {};
  let replacedCorrupt = false;
  if (existingText !== undefined) {
    const parsed = parseJsonObject(existingText);
    if (parsed) existing = parsed;
    else replacedCorrupt = true;
  }
  for (const key of FRAME_JSON_KEYS) delete existing[key];
  return { text: `${JSON.stringify({ ...existing, ...record }, null, 2)}\n`, replacedCorrupt };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

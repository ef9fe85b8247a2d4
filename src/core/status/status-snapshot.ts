import path from 'node:path';
import { EXIT, VptError, errnoCode } from '../errors.js';
import { SCHEMA_VERSION } from '../output/schema-versions.js';
import { UnreadableFileError, readRegularFile } from '../fs/read-regular-file.js';
import { statusShapeProblem } from './status-shape.js';
import type { DeviceStates } from '../events/monitor-event.js';

/**
 * What the live monitor knows, written to `<state-dir>/status.json` every
 * STATUS_INTERVAL_MS. The one source for `vpt status`, the web page and
 * /metrics: they read this shape and never reach into the monitor.
 * Field names are snake_case like the monitor's JSON events.
 */
export const STATUS_FILE = 'status.json';
/** How often the live monitor rewrites the snapshot. */
export const STATUS_INTERVAL_MS = 5_000;
/** Bumped when a field changes meaning or disappears (adding fields does not); docs/schemas/status-file.schema.json. */
export const STATUS_FORMAT = SCHEMA_VERSION.statusFile;
/**
 * A snapshot larger than this is refused unread: the monitor writes about
 * 600 bytes per device, so 1 MiB is over a thousand devices. (A 200 MB file
 * read whole took `vpt status` to 642 MB RSS.)
 */
export const STATUS_MAX_BYTES = 1024 * 1024;

/** What the monitor can say about a device's sound right now. */
export type { DeviceAudioState as AudioState } from '../events/monitor-event.js';

export interface OpenEventStatus {
  type: string;
  /** When the event started (frame clock for picture/audio events, wall clock for stalls). */
  started_at: string;
  /** The incident it opened, once it lasted --incident-delay. */
  incident_id: number | null;
}

export interface DeviceStatus {
  device: string;
  /** Newest capture sequence seen, null before the first frame. */
  last_sequence: number | null;
  /** Wall-clock time that frame arrived, and its age when the snapshot was taken. */
  last_frame_at: string | null;
  last_frame_age_ms: number | null;
  /** Frames received per second over the last FPS_WINDOW_SECONDS (fewer right after start). */
  fps: number;
  /** Frames judged by the analysis (frames_sampled of them by reusing an earlier frame's analysis under backlog). */
  frames_analysed: number;
  /** Frames dropped from a full queue (the oldest waiting, past --queue-limit). */
  frames_dropped: number;
  frames_bad: number;
  /**
   * The frame account (docs/monitor-status.md): frames_seen = frames_analysed + frames_failed +
   * frames_dropped + frames_superseded + frames_pending, every frame that appeared on disk since the start.
   */
  frames_seen: number;
  frames_sampled: number;
  /** The analysis threw on them (counted in frames_bad too). */
  frames_failed: number;
  /** Never handed out: passed over for newer frames. */
  frames_superseded: number;
  /** Seen but not handled yet (waiting for the watcher or in the queue); at exit, never handled. */
  frames_pending: number;
  /** Frames waiting for analysis now, and whether the queue is in backlog (sampling) mode. */
  queued: number;
  behind: boolean;
  /**
   * The newest analysed frame, whose verdicts `states.black` and
   * `states.frozen` are (null before the first): the picture shown beside
   * them must be this frame's, not the newest received one.
   */
  analysed_sequence: number | null;
  states: DeviceStates;
  open_events: OpenEventStatus[];
}

export interface StatusSnapshot {
  schema_version: typeof STATUS_FORMAT;
  vpt_version: string;
  pid: number;
  host: string;
  started_at: string;
  written_at: string;
  uptime_ms: number;
  rss_bytes: number;
  /** The monitor's CPU share (percent of one core) over the last status interval; absent until measured. */
  cpu_percent?: number;
  /** --stall-after of the run (the longest per device), so readers judge "behind" the same way. */
  stall_after_ms: number;
  devices: DeviceStatus[];
}

export function statusFilePath(stateDir: string): string {
  return path.join(stateDir, STATUS_FILE);
}

/** The file exists but is not a snapshot this vpt understands (Nagios unknown). */
export class StatusSnapshotError extends VptError {
  constructor(message: string) {
    super(message, EXIT.unknown);
  }
}

/**
 * Read `<state-dir>/status.json`: undefined when there is none (no monitor
 * ever ran there); StatusSnapshotError when it cannot be understood.
 */
export async function readStatusSnapshot(stateDir: string): Promise<StatusSnapshot | undefined> {
  const file = statusFilePath(stateDir);
  let text: string;
  try {
    text = await readRegularFile(file, STATUS_MAX_BYTES);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    if (err instanceof UnreadableFileError) throw new StatusSnapshotError(`cannot read ${err.message}`);
    throw new StatusSnapshotError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseStatusSnapshot(text, file);
}

/** Parse and check the fields readers rely on (a hand-edited or foreign file is an error, not a crash later). */
export function parseStatusSnapshot(text: string, file = STATUS_FILE): StatusSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StatusSnapshotError(`${file} is not JSON`);
  }
  const s = value as Partial<StatusSnapshot> | null;
  if (!s || typeof s !== 'object' || s.schema_version !== STATUS_FORMAT) {
    // A monitor of an older vpt wrote `format: 1`: it rewrites the file within STATUS_INTERVAL_MS of its restart.
    throw new StatusSnapshotError(`${file} is not a vpt status snapshot of schema_version ${STATUS_FORMAT} (restart the monitor if vpt was upgraded)`);
  }
  const problem = statusShapeProblem(s);
  if (problem) throw new StatusSnapshotError(`${file} is not a sound vpt status snapshot: ${problem}`);
  return s as StatusSnapshot;
}

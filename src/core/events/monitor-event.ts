import type { AnyIncidentType, StallType } from './types.js';
import type { ResolveReason } from '../incidents/incident.js';
import type { ZapEvent } from '../audio/zap-confirmer.js';

/** Audio as the status snapshot and the heartbeat say it. */
export type DeviceAudioState = 'ok' | 'lost' | 'stalled' | 'unknown';

/** A device's states now, in the status snapshot and the heartbeat. */
export interface DeviceStates {
  black: boolean;
  frozen: boolean;
  audio: DeviceAudioState;
  stalled: boolean;
}

/** One cache's part of a `cache_sweep` event (CacheSweepReport, snake_case like every machine output). */
export interface CacheSweepJson {
  name: string;
  freed_entries: number;
  freed_bytes?: number;
  error?: string;
}

/**
 * What the monitor (live, --replay) reports, one record per happening: the frame path
 * emits some (events, incidents, zaps), the live driver the rest. `--json` prints
 * each as one line on stdout; otherwise the command logs describeEvent().
 * `ts` is the frame clock for frame-derived events, the wall clock otherwise.
 */
export type MonitorEvent =
  | { event: 'frame'; ts: string; device: string; sequence: number; sampled: boolean; late: boolean; performance_ms?: number }
  | { event: 'event_started'; ts: string; device: string; type: AnyIncidentType; sequence: number }
  | { event: 'event_ended'; ts: string; device: string; type: AnyIncidentType; sequence: number; start: string; duration_ms: number }
  | { event: 'incident_opened'; ts: string; device: string; type: AnyIncidentType; incident_id: number; evidence: string[] }
  | {
      event: 'incident_resolved';
      ts: string;
      device: string;
      type: AnyIncidentType;
      incident_id: number;
      duration_ms: number;
      resolve_reason: ResolveReason;
      evidence: string[];
    }
  | { event: 'cache_sweep'; ts: string; device: string | null; freed_entries: number; freed_bytes: number; next_in_ms: number; caches: CacheSweepJson[] }
  | { event: 'memory'; ts: string; rss_bytes: number; hwm_bytes: number | null; alert_bytes: number; alert: boolean }
  | { event: 'queue_backlog'; ts: string; device: string; active: boolean; size: number }
  | { event: 'stall_started'; ts: string; device: string; type: StallType; start: string; last_sequence: number | null; stall_after_ms: number }
  | { event: 'stall_ended'; ts: string; device: string; type: StallType; start: string; duration_ms: number }
  | { event: 'clock_jump'; ts: string; jump_ms: number }
  /** ffmpeg restarted and rewound its frame counter: frames from `sequence` on are a new run, analysed in order. */
  | { event: 'capture_restarted'; ts: string; device: string; sequence: number; run: number }
  | {
      event: 'heartbeat';
      ts: string;
      device: string;
      frames_analysed: number;
      fps: number;
      dropped: number;
      bad: number;
      /** The frame account (status.json's frames_*): seen = frames_analysed + failed + dropped + superseded + pending. */
      frames_seen: number;
      sampled: number;
      failed: number;
      superseded: number;
      pending: number;
      last_frame_age_ms: number | null;
      states: DeviceStates;
    }
  /** An `[actions]` command for an incident (or the memory alert): run, dry run, or suppressed by the rate limit. */
  | {
      event: 'action';
      ts: string;
      device: string;
      type: string;
      incident_id: number | null;
      command: string[];
      result: string;
      exit_code: number | null;
      duration_ms: number | null;
      output: string;
    }
  | { event: 'dropped'; ts: string; device: string; count: number; first_sequence: number; last_sequence: number; total: number }
  | ZapEvent;

import type { MonitorEvent } from '../events/monitor-event.js';
import { formatDuration } from '../units.js';

/** The human (journald) line for an event, or undefined for per-frame events (verbose only). */
export function describeEvent(e: MonitorEvent): string | undefined {
  switch (e.event) {
    case 'frame':
      return `[${e.device}] frame ${e.sequence}${e.sampled ? ' (sampled)' : ''}${e.late ? ' (late)' : ''}${e.performance_ms !== undefined ? ` ${e.performance_ms.toFixed(1)}ms` : ''}`;
    case 'event_started':
      return `[${e.device}] ${e.type} started at frame ${e.sequence} (${e.ts})`;
    case 'event_ended':
      return `[${e.device}] ${e.type} ended at frame ${e.sequence} after ${formatDuration(e.duration_ms)}`;
    case 'incident_opened':
      return `[${e.device}] INCIDENT #${e.incident_id} opened: ${e.type} (${e.evidence.length === 0 ? 'no evidence files' : `evidence: ${e.evidence.length} files in ${commonDir(e.evidence)}`}; vpt incidents show ${e.incident_id})`;
    case 'incident_resolved':
      return `[${e.device}] INCIDENT #${e.incident_id} resolved: ${e.type} after ${formatDuration(e.duration_ms)} (${e.resolve_reason})`;
    case 'cache_sweep':
      return undefined; // formatSweepLine() is the design's line; the command prints that
    case 'memory':
      return undefined; // formatMemoryLine()/formatMemoryAlert() likewise
    case 'queue_backlog':
      return e.active
        ? `[${e.device}] analysis behind: ${e.size} frames waiting, sampling every 5th frame until caught up`
        : `[${e.device}] caught up with the capture`;
    case 'zap':
      return (
        `[${e.device}] ${e.zapping_detected ? 'zap confirmed' : 'no zap'} at ${e.frame} after a ${formatDuration(e.duration_ms)} ${e.event_type}: ` +
        `${e.banner_seen ? 'banner seen' : 'no banner'}, ${e.continuous_audio === null ? `audio unknown (${e.audio_check})` : e.continuous_audio ? 'sound continuous' : `sound dropped for ${e.silence_duration.toFixed(1)}s`}`
      );
    case 'stall_started':
      return e.type === 'capture_stalled'
        ? `[${e.device}] capture stalled: no new frame for ${formatDuration(e.stall_after_ms)} (${e.last_sequence === null ? 'none since the monitor started' : `last ${e.last_sequence} at ${e.start}`})`
        : `[${e.device}] audio segments stalled: none new for ${formatDuration(e.stall_after_ms)} while frames go on (audio cannot be analysed)`;
    case 'stall_ended':
      return `[${e.device}] ${e.type === 'capture_stalled' ? 'frames' : 'audio segments'} arriving again after ${formatDuration(e.duration_ms)}`;
    case 'heartbeat': {
      const s = e.states;
      const states = [s.stalled && 'STALLED', s.black && 'black', s.frozen && 'frozen', s.audio !== 'ok' && `audio ${s.audio}`].filter(Boolean);
      return (
        `[${e.device}] ${e.frames_analysed} frames analysed, ${e.fps.toFixed(1)} fps, ${e.dropped} dropped, ${e.bad} bad; ` +
        `${frameAccount(e.frames_seen, e.frames_analysed, e)}; ` +
        `last frame ${e.last_frame_age_ms === null ? 'never' : `${formatDuration(e.last_frame_age_ms)} ago`}; ${states.length === 0 ? 'ok' : states.join(', ')}`
      );
    }
    case 'capture_restarted':
      return `[${e.device}] capture restarted: frame numbers start again at ${e.sequence} (run ${e.run})`;
    case 'clock_jump':
      return `the wall clock jumped ${e.jump_ms > 0 ? 'forward' : 'back'} ${formatDuration(Math.abs(e.jump_ms))} (suspend, NTP step): stall timers restarted`;
    case 'action':
      return (
        `[${e.device}] action for ${e.type}${e.incident_id === null ? '' : ` (incident #${e.incident_id})`}: ${e.command.join(' ')}: ` +
        (e.result === 'suppressed' || e.result === 'dry_run' || e.result === 'error'
          ? e.output
          : `${e.result}${e.exit_code === null ? '' : `, exit ${e.exit_code}`} after ${formatDuration(e.duration_ms ?? 0)}`)
      );
    case 'dropped':
      return `[${e.device}] dropped ${e.count} frames (${e.first_sequence}..${e.last_sequence}) the analysis could not keep up with; ${e.total} in total`;
  }
}

/** The folder the evidence files share (they are copied side by side into cold storage). */
function commonDir(files: readonly string[]): string {
  const dirs = files.map((f) => f.slice(0, f.lastIndexOf('/') + 1));
  let prefix = dirs[0] ?? '';
  for (const d of dirs) while (!d.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
  return prefix.length > 1 ? prefix.replace(/\/$/, '') : prefix;
}

/**
 * Where every frame seen on disk went, for the heartbeat and the exit summary: the figures add up to
 * `seen` (a starved monitor once analysed 351 of 13,660 frames and said only "12 dropped").
 */
export function frameAccount(
  seen: number,
  analysed: number,
  f: { sampled: number; failed: number; dropped: number; superseded: number; pending: number },
  pending = 'not yet handled',
): string {
  return (
    `of ${seen} frames seen: ${analysed} analysed (${f.sampled} sampled), ${f.superseded} superseded, ` +
    `${f.dropped} dropped, ${f.failed} failed, ${f.pending} ${pending}`
  );
}

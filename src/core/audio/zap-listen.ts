import { LEVEL_WINDOW_MS } from './level-history.js';
import type { AudioTimeline } from './audio-timeline.js';

/** The zap check looks this far before the black gap's first frame: the sound drops with the channel change, often just before the picture. */
export const ZAP_BEFORE_MS = 1_000;
/** ...and this far after its end, where the new channel's sound should be back (the old check's "one segment after"). */
export const ZAP_AFTER_MS = 1_000;
/** A channel change mutes the sound for a fraction of a second up to a few; shorter gaps are the content's own. */
export const ZAP_SILENCE_MIN_MS = 300;
/** Live: the longest a zap check waits (wall clock) for the audio after the gap to be analysed: a segment or two behind the frames. */
export const ZAP_AUDIO_WAIT_MS = 8_000;

export interface ZapAudioResult {
  /** not_checked: audio is off (--no-audio, no ffmpeg); the banner alone decides. no_segments: nothing was heard around the gap. */
  state: 'checked' | 'no_segments' | 'no_audio_stream' | 'not_checked';
  /** true: sound ran through the event (dark content, not a zap); false: it dropped; null: unknown. */
  continuousAudio: boolean | null;
  silenceDurationMs: number;
}

export const AUDIO_NOT_CHECKED: ZapAudioResult = { state: 'not_checked', continuousAudio: null, silenceDurationMs: 0 };

/**
 * A zap is confirmed when the banner was seen during the event and the audio
 * dropped. Audio unknown (no ffmpeg, no audio stream) leaves the banner to decide.
 */
export function confirmZap(bannerSeen: boolean, continuousAudio: boolean | null): boolean {
  return bannerSeen && continuousAudio !== true;
}

/**
 * The audio around a black or frozen gap, from the level windows (pure):
 * silent windows are those under the device's silence level; a run of them
 * of at least ZAP_SILENCE_MIN_MS is a dropout.
 */
export function zapAudioFromLevels(windows: readonly { startMs: number; db: number }[], silenceDb: number): ZapAudioResult {
  if (windows.length === 0) return { state: 'no_segments', continuousAudio: null, silenceDurationMs: 0 };
  let silentMs = 0;
  let run = 0;
  let longest = 0;
  for (const w of windows) {
    if (w.db < silenceDb) {
      silentMs += LEVEL_WINDOW_MS;
      run += LEVEL_WINDOW_MS;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  }
  return { state: 'checked', continuousAudio: longest < ZAP_SILENCE_MIN_MS, silenceDurationMs: silentMs };
}

/** Listens to a device's timeline around a gap [startMs, endMs): waits for the audio after it, then judges. */
export async function listenAroundGap(timeline: AudioTimeline, startMs: number, endMs: number, waitMs: number, signal?: AbortSignal): Promise<ZapAudioResult> {
  await timeline.waitUntil(endMs + ZAP_AFTER_MS, waitMs, signal);
  if (timeline.state === 'no_audio_stream') return { state: 'no_audio_stream', continuousAudio: null, silenceDurationMs: 0 };
  return zapAudioFromLevels(timeline.levels.between(startMs - ZAP_BEFORE_MS, endMs + ZAP_AFTER_MS), timeline.silenceDb);
}

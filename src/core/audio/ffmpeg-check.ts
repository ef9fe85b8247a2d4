import { probeFfmpeg } from './analyze-segment.js';
import type { ZapAudioResult } from './zap-audio.js';
import type { Logger } from '../logger.js';

/**
 * The zap check when audio is off (--no-audio, no ffmpeg): audio unknown,
 * so the banner alone decides (confirmZap treats unknown as "not continuous").
 */
export const AUDIO_NOT_CHECKED: ZapAudioResult = { state: 'not_checked', continuousAudio: null, silenceDurationMs: 0, segments: [] };

/** ffmpeg present? If not, one warning: audio is then unknown, never loss (docs/design.md "audio"). */
export async function ffmpegPresent(log: Logger): Promise<boolean> {
  try {
    await probeFfmpeg();
    return true;
  } catch (err) {
    log.warn(
      `audio checks off: ${err instanceof Error ? err.message : String(err)}; audio is reported as unknown, never as loss (install ffmpeg, or pass --no-audio to silence this)`,
    );
    return false;
  }
}

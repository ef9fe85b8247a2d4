import { probeFfmpeg } from './ffmpeg-probe.js';
import type { Logger } from '../logger.js';

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

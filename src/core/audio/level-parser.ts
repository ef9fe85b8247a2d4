/**
 * Pure parser of the level stream's stdout: ffmpeg's `ametadata=mode=print`
 * writes, per window, a `frame:N pts:P pts_time:T` line followed by one
 * `lavfi.astats.<channel>.RMS_level=<dB>` line per channel. A window is
 * complete when the next `frame:` line (or the end of the stream) arrives.
 */

/** Digital silence reads `-inf`; clamped so the value stays a finite number in JSON and arithmetic. */
export const LEVEL_FLOOR_DB = -120;

export interface LevelWindow {
  /** Start of the window, in ms from the first sample ffmpeg decoded in this run. */
  ptsMs: number;
  /** The loudest channel's RMS level (dBFS): one silent channel of a stereo pair is not silence. */
  db: number;
}

const FRAME_LINE = /^frame:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/;
const RMS_LINE = /^lavfi\.astats\.\d+\.RMS_level=(-?(?:inf|nan|\d+(?:\.\d+)?(?:e-?\d+)?))/;

export class LevelParser {
  private ptsMs: number | undefined;
  private db = Number.NEGATIVE_INFINITY;

  /** One line (without its newline); returns the window it completed, if any. */
  line(text: string): LevelWindow | undefined {
    const frame = FRAME_LINE.exec(text);
    if (frame) {
      const done = this.flush();
      this.ptsMs = Number(frame[1]) * 1000;
      this.db = Number.NEGATIVE_INFINITY;
      return done;
    }
    const rms = RMS_LINE.exec(text);
    if (rms && this.ptsMs !== undefined) {
      const value = rms[1] === 'nan' ? Number.NEGATIVE_INFINITY : Number(rms[1]);
      if (value > this.db) this.db = value;
    }
    return undefined;
  }

  /** The window still open (end of the stream). */
  flush(): LevelWindow | undefined {
    if (this.ptsMs === undefined) return undefined;
    const window = { ptsMs: this.ptsMs, db: Math.max(LEVEL_FLOOR_DB, this.db) };
    this.ptsMs = undefined;
    return window;
  }
}

/**
 * Silence as an interval (pure, no I/O): level windows in, the state of the
 * sound out, with its boundaries dated to the window where it changed.
 *
 * Silence starts on the first window under the level threshold. It ends
 * when the sound has been back for SOUND_RESUME_MS: a click inside a
 * silence (a few ms, one or two loud windows) does not end it, and the end
 * is dated back to the first loud window of that run, so the boundary stays
 * true. The minimum length of a silence that counts (--min-silence) is the
 * event tracker's job, like --min-event for the picture's events.
 */

/**
 * Default silence level (dBFS, RMS over a window): the old per-segment rule's
 * -50 dB mean. ffmpeg's silencedetect defaults to -60 dB; -50 keeps the
 * farm's verdicts (a set-top box's idle hiss at -55 dB is silence for an
 * operator) while a quiet passage at -45 dB is still sound.
 */
export const SILENCE_DB = -50;
/**
 * Default --min-silence: silencedetect's own default duration (d=2). A
 * channel change mutes for under a second; a stream that loses its sound
 * stays silent far longer, and 2 s is already below what a viewer reports.
 */
export const MIN_SILENCE_MS = 2_000;
/** Sound must last this long to end a silence: a click (one or two 50 ms windows) does not. */
export const SOUND_RESUME_MS = 150;

/** A change of state, dated on the frame clock. */
export interface SoundChange {
  timeMs: number;
  silent: boolean;
}

export class SilenceRuns {
  private silent: boolean | undefined;
  /** While silent: the first loud window of a loud run that has not yet lasted SOUND_RESUME_MS. */
  private loudSince: number | undefined;

  constructor(private silenceDb: number = SILENCE_DB) {}

  /** A settings reload. */
  setThreshold(db: number): void {
    this.silenceDb = db;
  }

  get state(): boolean | undefined {
    return this.silent;
  }

  /** While a silence may be ending (sound back for less than SOUND_RESUME_MS): where that sound began. */
  get pendingSince(): number | undefined {
    return this.loudSince;
  }

  /** One window (start on the frame clock, its level); returns the change it confirmed, if any. */
  window(startMs: number, durationMs: number, db: number): SoundChange | undefined {
    const quiet = db < this.silenceDb;
    if (this.silent === undefined) {
      this.silent = quiet;
      return { timeMs: startMs, silent: quiet };
    }
    if (!this.silent) {
      if (!quiet) return undefined;
      this.silent = true;
      this.loudSince = undefined;
      return { timeMs: startMs, silent: true };
    }
    if (quiet) {
      this.loudSince = undefined;
      return undefined;
    }
    this.loudSince ??= startMs;
    if (startMs + durationMs - this.loudSince < SOUND_RESUME_MS) return undefined;
    const since = this.loudSince;
    this.silent = false;
    this.loudSince = undefined;
    return { timeMs: since, silent: false };
  }

  /** A gap in the audio (restart, missing segments): what follows is judged afresh. */
  reset(): void {
    this.silent = undefined;
    this.loudSince = undefined;
  }
}

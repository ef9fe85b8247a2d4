/** The watcher's half of a device's frame account (the monitor adds what became of the frames it handed out). */
export interface WatcherFigures {
  /** Frames that appeared on disk since the start (the span of sequence numbers seen, per capture run). */
  seen: number;
  /** Frames passed over for newer ones: never handed out, and now below the window where they still could be. */
  superseded: number;
}

/**
 * Counts the frames of one device that the watcher saw and the ones it will never hand out, in a
 * few numbers whatever the rate: ffmpeg numbers frames one by one, so the frames written are the
 * span of sequences seen, and the ones passed over are those below the dedupe's sealed floor that
 * were not handed out (FrameDedupe.sealed). A starved monitor (4 devices at 50 fps beside busy loops)
 * saw ~13,660 frames per device in 300 s and analysed 351-577: the rest were nowhere in its figures.
 */
export class WatcherAccount {
  private started = false;
  /** Frames at or below it are not counted in this run (on disk at start); undefined until the run's first frame. */
  private base: number | undefined;
  /**
   * No baseline (the folder was empty at start, or the numbering restarted): the run counts from the lowest
   * frame seen, whether ffmpeg numbers from 1 (its default) or 0.
   */
  private floating = true;
  private newest = 0;
  private handedInRun = 0;
  private closedSeen = 0;
  private closedSuperseded = 0;

  /** The first listing: frames up to `baseline` were there before the monitor (stale, not counted); none: an empty folder. */
  start(baseline?: number): void {
    this.started = true;
    this.floating = baseline === undefined;
    this.base = baseline;
    this.newest = baseline ?? 0;
  }

  /** A sequence appeared on disk (an inotify event or a listing's newest). */
  seen(sequence: number): void {
    if (!this.started) return;
    if (this.base === undefined || (this.floating && sequence <= this.base)) this.base = sequence - 1;
    if (sequence > this.newest) this.newest = sequence;
  }

  /** A frame was handed to the monitor. */
  handed(sequence: number): void {
    this.seen(sequence);
    this.handedInRun++;
  }

  /**
   * ffmpeg restarted its numbering at `sequence`: every frame of the run before that was not handed out
   * never will be (the dedupe refuses the old run's files), and the new run counts from its lowest frame.
   */
  restarted(sequence: number): void {
    if (!this.started) return;
    const runSeen = this.base === undefined ? 0 : this.newest - this.base;
    this.closedSeen += runSeen;
    this.closedSuperseded += Math.max(0, runSeen - this.handedInRun);
    this.handedInRun = 0;
    this.start();
    this.seen(sequence);
  }

  figures(sealed: { floor: number; handed: number }): WatcherFigures {
    if (this.base === undefined) return { seen: this.closedSeen, superseded: this.closedSuperseded };
    // The dedupe's floor is -1 in a run without a baseline until it lets go of a frame: nothing sealed yet.
    const sealedSpan = Math.min(sealed.floor, this.newest) - this.base;
    return {
      seen: this.closedSeen + this.newest - this.base,
      superseded: this.closedSuperseded + Math.max(0, sealedSpan - sealed.handed),
    };
  }
}

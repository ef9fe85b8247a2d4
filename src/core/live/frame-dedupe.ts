/**
 * Sequences handed out recently, per device (the highest ones). A frame is
 * new when it is not in the set and above the lowest sequence the set has
 * let go of; anything lower is stale. 1024 frames is 200 s at 5 fps, far
 * more than a rescan interval can miss, and the set never holds more.
 */
export const RECENT_SEQUENCES_CAP = 1024;

/**
 * Decides, for one device, whether a frame found by inotify or a rescan is
 * new: each frame is reported once whatever order and however often it is
 * found, in bounded memory.
 */
export class FrameDedupe {
  private readonly recent = new Set<number>();
  /** Frames at or below this were on disk at start: stale, never reported. */
  private floor = -1;
  private highestSeen = -1;
  /** Highest sequence evicted from `recent`: at or below it, a frame is stale. */
  private evictedFloor = -1;
  /** Newest mtime handed out: a known sequence with a newer mtime means ffmpeg restarted its numbering. */
  private highestMtime = 0;
  /** After a numbering restart, files older than the restart are the old run's leftovers. */
  private staleBeforeMtime = 0;
  /** Numbering restarts seen (ffmpeg restarted and rewound its counter): the frames' run number. */
  private restartCount = 0;
  /** Frames handed out in this run that the set let go of (the start baseline is none): the frame account's sealed half. */
  private evictedHanded = 0;

  get size(): number {
    return this.recent.size;
  }

  /** How many numbering restarts were seen: frames of one run share it. */
  get restarts(): number {
    return this.restartCount;
  }

  get highest(): number {
    return this.highestSeen;
  }

  /**
   * This run's sealed part: no frame at or below `floor` can be handed out any more (the start baseline,
   * or below the lowest sequence the set let go of), and `handed` of those above the start baseline were.
   * The rest of them were passed over for newer frames (frame-account.ts: superseded).
   */
  get sealed(): { floor: number; handed: number } {
    return { floor: Math.max(this.floor, this.evictedFloor), handed: this.evictedHanded };
  }

  /** At start: the frames already on disk (up to `sequence`) are stale for a live monitor. */
  startAfter(sequence: number, mtimeMs: number): void {
    this.floor = sequence;
    this.remember(sequence, mtimeMs);
  }

  /** Cheap pre-filter (no stat): could this sequence be a frame not yet reported? */
  mightBeNew(sequence: number): boolean {
    return !this.belowTracked(sequence) && !this.recent.has(sequence);
  }

  /** What accept() would answer, without remembering anything (before waiting for a file to be complete). */
  wouldAccept(sequence: number, mtimeMs: number): boolean {
    if (this.recent.has(sequence) || this.belowTracked(sequence)) return mtimeMs > this.highestMtime;
    return mtimeMs >= this.staleBeforeMtime;
  }

  /** Given the file's mtime: is it new? If so it is remembered as handed out. */
  accept(sequence: number, mtimeMs: number): boolean {
    if (this.recent.has(sequence) || this.belowTracked(sequence)) {
      // Seen (or long gone) yet written after every frame handed out: ffmpeg restarted
      // its numbering. Anything else is a duplicate event or a stale file.
      if (mtimeMs <= this.highestMtime) return false;
      this.recent.clear();
      this.floor = -1;
      this.evictedFloor = -1;
      this.highestSeen = -1;
      this.staleBeforeMtime = mtimeMs;
      this.restartCount++;
      this.evictedHanded = 0;
    } else if (mtimeMs < this.staleBeforeMtime) {
      return false; // left over from before a numbering restart
    }
    this.remember(sequence, mtimeMs);
    return true;
  }

  private belowTracked(sequence: number): boolean {
    return sequence <= this.floor || sequence <= this.evictedFloor;
  }

  private remember(sequence: number, mtimeMs: number): void {
    this.recent.add(sequence);
    if (this.recent.size > RECENT_SEQUENCES_CAP) {
      // Evict the lowest, not the oldest inserted: then every sequence handed out above
      // evictedFloor is still in the set, whatever order frames were found in.
      let lowest = Infinity;
      for (const s of this.recent) if (s < lowest) lowest = s;
      this.recent.delete(lowest);
      if (lowest > this.floor) this.evictedHanded++;
      this.evictedFloor = Math.max(this.evictedFloor, lowest);
    }
    if (sequence > this.highestSeen) this.highestSeen = sequence;
    if (mtimeMs > this.highestMtime) this.highestMtime = mtimeMs;
  }
}

import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Whether a frame's files are whole before they are judged. ffmpeg's image2
 * muxer writes in place by default (open, a few 32 KiB writes, close) and
 * only with `-atomic_writing 1` into a temp name renamed into place; Node's
 * fs.watch reports the in-place file at its creation, when it may still be
 * empty, and gives no IN_CLOSE_WRITE. ffmpeg's JPEGs always end with the EOI
 * marker (FF D9), which cannot occur at the end of a partial file (entropy
 * data stuffs every FF), so "ends with FF D9" is "complete".
 *
 * Chosen over the alternatives by measurement (two 1280x720 + 320x180
 * testsrc2 outputs at 5 fps, in place): 72 of 200 files were incomplete at
 * their create event and every one was complete within 6 ms, so a re-read
 * after a few ms settles them; the check of a whole frame (capture and
 * thumbnail) costs about 25 µs of CPU (`node bench/completeness.bench.mjs`). Size-stable polling
 * would add at least one poll interval to every frame and calls a stalled
 * writer complete; an `inotifywait -e close_write` helper is one more
 * process per device (1.6 MB RSS) and a package a Pi may not have.
 */

/** The first re-read comes this soon: in-place writes measured complete within 6 ms of the create event. */
export const COMPLETE_FIRST_RETRY_MS = 5;
/** Re-reads back off (doubling) up to this interval. */
export const COMPLETE_MAX_RETRY_MS = 200;
/**
 * A file still without its end marker this long after it was found is one
 * bad frame (a writer killed mid-file): 10 frames at 5 fps, far above the
 * 6 ms a write takes, and short enough that a dead writer holds the device's
 * claims back for one blink.
 */
export const INCOMPLETE_FRAME_MAX_WAIT_MS = 2_000;

const EOI = [0xff, 0xd9] as const;

export type FileState = 'complete' | 'incomplete' | 'missing';

/**
 * One open, one fstat, one 2-byte read: does the file end with the JPEG end marker?
 * Synchronous on purpose: ~11 µs of CPU per file against ~60 µs through the callback API and
 * ~70-100 µs through fs.promises' FileHandle (100 frames x 5 rounds, same files, same run); the
 * live folder is tmpfs or a local disk, whose page cache holds a file just written, and the
 * incident store (better-sqlite3) blocks the loop for longer on every write.
 */
export function jpegFileState(file: string): FileState {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named like a frame must not block the open (and the event loop) for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return 'missing';
  }
  try {
    const stat = fstatSync(fd);
    // Not a regular file (a FIFO, a device): nothing will complete it; the loader says what it is.
    if (!stat.isFile()) return 'complete';
    const { size } = stat;
    if (size < EOI.length) return 'incomplete';
    const tail = Buffer.alloc(EOI.length);
    readSync(fd, tail, 0, EOI.length, size - EOI.length);
    return tail[0] === EOI[0] && tail[1] === EOI[1] ? 'complete' : 'incomplete';
  } catch {
    return 'incomplete';
  } finally {
    closeSync(fd);
  }
}

export interface CompletenessFile {
  path: string;
  /** A missing file is waited for too (a thumbnail ffmpeg writes just after the capture); else missing is final. */
  waitIfMissing: boolean;
  /**
   * The same output's next file (frame N+1): once it exists, the writer has moved on (ffmpeg
   * writes one file per output at a time), so what it left of this one is final.
   */
  next?: string;
}

export interface CompletenessResult {
  /** Every file ended with its marker (or was missing without being waited for). */
  complete: boolean;
  /** The state of each file at the end, in the order given. */
  states: FileState[];
  waitedMs: number;
}

export interface CompletenessClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: CompletenessClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Re-read the files until each is complete (or missing and not waited for),
 * backing off from COMPLETE_FIRST_RETRY_MS, for at most `maxWaitMs`; a file
 * whose `next` exists is waited for no longer (its writer moved on), nor is
 * anything once `stopped`. That keeps a writer that leaves every file
 * truncated from putting the watcher further behind with each frame.
 */
export async function waitUntilComplete(
  files: readonly CompletenessFile[],
  maxWaitMs = INCOMPLETE_FRAME_MAX_WAIT_MS,
  clock: CompletenessClock = realClock,
  stopped: () => boolean = () => false,
): Promise<CompletenessResult> {
  const started = clock.now();
  let retryMs = COMPLETE_FIRST_RETRY_MS;
  for (;;) {
    const states = files.map((f) => jpegFileState(f.path));
    const whole = (s: FileState, f: CompletenessFile) => s === 'complete' || (s === 'missing' && !f.waitIfMissing);
    const settled = states.every((s, i) => whole(s, files[i]!));
    const movedOn = states.every((s, i) => whole(s, files[i]!) || (files[i]!.next !== undefined && existsSync(files[i]!.next!)));
    const waitedMs = clock.now() - started;
    if (settled || movedOn || waitedMs >= maxWaitMs || stopped()) {
      return { complete: settled, states, waitedMs };
    }
    await clock.sleep(Math.min(retryMs, maxWaitMs - waitedMs));
    retryMs = Math.min(retryMs * 2, COMPLETE_MAX_RETRY_MS);
  }
}

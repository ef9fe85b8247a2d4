import { writeFileAtomic } from '../fs/atomic-write.js';
import { STATUS_INTERVAL_MS, statusFilePath, type StatusSnapshot } from './status-snapshot.js';

export interface StatusWriterOptions {
  stateDir: string;
  /** Builds the snapshot; called once per write. */
  snapshot: () => StatusSnapshot;
  intervalMs?: number;
  /** A write failed (disk full, folder gone): reported, and the next tick tries again. */
  onError?: (err: unknown) => void;
}

/**
 * Writes the status snapshot atomically (readers see the old file or the
 * new one) every STATUS_INTERVAL_MS. No fsync: the file is rebuilt every
 * 5 s, and a fsync that often wears a Pi's SD card for nothing. At most one
 * write is in flight; a tick that finds one running is skipped.
 */
export class StatusWriter {
  readonly file: string;
  private readonly options: StatusWriterOptions;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(options: StatusWriterOptions) {
    this.options = options;
    this.file = statusFilePath(options.stateDir);
  }

  /** Write now, then every interval. */
  start(): Promise<void> {
    this.timer ??= setInterval(() => void this.write(), this.options.intervalMs ?? STATUS_INTERVAL_MS);
    return this.write();
  }

  /** One write now (also the final one at exit); resolves when it is on disk or failed. */
  write(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    let text: string;
    try {
      text = `${JSON.stringify(this.options.snapshot(), null, 2)}\n`;
    } catch (err) {
      this.options.onError?.(err);
      return Promise.resolve();
    }
    this.inFlight = writeFileAtomic(this.file, text, { fsync: false })
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Stop the timer and wait for a write in flight. The file stays: `vpt status` tells a stopped monitor by its pid. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

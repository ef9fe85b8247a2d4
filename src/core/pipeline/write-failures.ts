import { errnoCode } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * The error policy of a device's output writes (frame JSON, chunk files), the
 * same live and in --replay: a filesystem refusal (EACCES, EROFS, ENOSPC)
 * loses the file, not the analysis. The first failure of a kind is one
 * warning naming the file, the following ones are counted, and the first
 * success after them is one line saying writes are back. Anything that is not
 * a filesystem refusal is a bug and propagates. One such episode per
 * destination folder (hot metadata, cold metadata): a full cold folder beside
 * a fine hot one is one line, not a line per frame as the two alternate.
 * Holds three scalars per destination; a device has at most three (hot and
 * cold metadata, chunks), so the map needs no other bound.
 */
export class WriteFailures {
  private readonly destinations = new Map<string, { failing: string | undefined; failed: number }>();
  private total = 0;

  constructor(
    private readonly device: string,
    private readonly warn: ((message: string) => void) | undefined,
    private readonly logger: Logger | undefined,
  ) {}

  /** Writes lost to filesystem refusals since the device started (the replay summary reports it). */
  get lost(): number {
    return this.total;
  }

  /**
   * `destination`: the folder whose episode this write belongs to. `write` resolves false when it wrote
   * nothing (a chunk entry left waiting in memory): no sign that writes are back.
   */
  async attempt(destination: string, file: string, write: () => Promise<boolean | void>): Promise<void> {
    let state = this.destinations.get(destination);
    if (state === undefined) this.destinations.set(destination, (state = { failing: undefined, failed: 0 }));
    let wrote: boolean | void;
    try {
      wrote = await write();
    } catch (err) {
      const code = errnoCode(err);
      if (code === undefined) throw err;
      state.failed++;
      this.total++;
      if (state.failing === code) {
        this.logger?.debug(`[${this.device}] cannot write ${file}: ${describeFsError(err, code)}`);
        return;
      }
      state.failing = code;
      this.warn?.(`[${this.device}] cannot write ${file}: ${describeFsError(err, code)}; analysis goes on without it (reported once until writes succeed)`);
      return;
    }
    if (state.failing !== undefined && wrote !== false) {
      this.logger?.info(`[${this.device}] metadata writes succeed again (${state.failed} failed while ${state.failing})`);
      state.failing = undefined;
      state.failed = 0;
    }
  }
}

/** `EACCES: permission denied, open '/x/.tmp-123'` -> `permission denied (EACCES)`: the temp file's name says nothing. */
function describeFsError(err: unknown, code: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const what = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return `${what ?? message} (${code})`;
}

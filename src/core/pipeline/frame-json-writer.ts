import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { metadataFileName } from '../layout/frame-names.js';
import { writeFrameJson, type FrameJsonWriteResult } from './frame-json.js';

/** How the pipeline writes a frame's JSON: in this thread (live) or on the writer thread (--replay). */
export interface FrameJsonWriter {
  write(metadataDir: string, record: Record<string, unknown>, sequence: number): Promise<FrameJsonWriteResult>;
  close(): Promise<void>;
}

export const inlineFrameJsonWriter: FrameJsonWriter = { write: writeFrameJson, close: async () => undefined };

export interface FrameJsonRequest {
  id: number;
  metadataDir: string;
  record: Record<string, unknown>;
  sequence: number;
}

export type FrameJsonReply = { id: number; replacedCorrupt: boolean; error?: undefined } | { id: number; error: { message: string; code: string | undefined } };

/**
 * Requests sent to the thread together: below a pipeline's writes in flight (REPLAY_WRITES_IN_FLIGHT
 * 32), so a pipeline waiting for its oldest write has sent it. The rest goes after POST_DELAY_MS.
 */
const POST_BATCH = 8;
const POST_DELAY_MS = 5;

/**
 * The writer thread's file next to this module's: the bundle's (dist/frame-json-worker.cjs, beside
 * dist/cli.cjs) or tsc's (dist/core/pipeline/frame-json-worker.js). Neither (the TypeScript sources
 * run by a test): undefined, and the caller writes in its own thread.
 */
function workerFile(): string | undefined {
  for (const name of ['frame-json-worker.cjs', 'frame-json-worker.js']) {
    const file = path.join(import.meta.dirname, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * --replay's frame JSON writes on one thread of their own. In the main thread they were a fifth of a
 * replay's time: a read, a merge and an atomic write per frame, four thread-pool round trips each,
 * with the pool's four threads queueing on the metadata folder's lock. One thread doing them
 * synchronously keeps the main thread on decoding and analysis. Holds the requests in flight: each
 * device's pipeline sends at most its Schedule's writesInFlight. Live writes one frame at a time per
 * device, a few per second: it stays inline.
 */
export class WorkerFrameJsonWriter implements FrameJsonWriter {
  private readonly pending = new Map<number, { request: FrameJsonRequest; resolve: (r: FrameJsonWriteResult) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  /** Requests not yet sent: fewer than POST_BATCH, for at most POST_DELAY_MS. */
  private outbox: FrameJsonRequest[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (replies: FrameJsonReply[]) => {
      for (const reply of replies) this.settle(reply);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the frame JSON writer thread exited (code ${code})`)));
  }

  /** The writer thread, or the inline writer where its file is not there. */
  static start(): FrameJsonWriter {
    const file = workerFile();
    return file === undefined ? inlineFrameJsonWriter : new WorkerFrameJsonWriter(new Worker(file));
  }

  write(metadataDir: string, record: Record<string, unknown>, sequence: number): Promise<FrameJsonWriteResult> {
    // The thread gone (it never should be): the rest of the replay writes inline.
    if (this.failure) return writeFrameJson(metadataDir, record, sequence);
    const id = this.nextId++;
    const request: FrameJsonRequest = { id, metadataDir, record, sequence };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { request, resolve, reject });
      this.outbox.push(request);
      if (this.outbox.length >= POST_BATCH) this.post();
      else this.flushTimer ??= setTimeout(() => this.post(), POST_DELAY_MS);
    });
  }

  /** Send what waits in the outbox, as one message: each post wakes the thread, a batch wakes it once. */
  private post(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outbox.length === 0 || this.failure) return;
    this.worker.postMessage(this.outbox);
    this.outbox = [];
  }

  /** After the last write settled (the pipelines' close()). */
  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.worker.removeAllListeners('exit');
    this.failure ??= new Error('the frame JSON writer was closed');
    await this.worker.terminate();
  }

  private settle(reply: FrameJsonReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.error === undefined) {
      const { metadataDir, sequence } = waiting.request;
      waiting.resolve({ path: path.join(metadataDir, metadataFileName(sequence)), replacedCorrupt: reply.replacedCorrupt });
      return;
    }
    // The same error as an inline write's: WriteFailures reads its code (EACCES, ENOSPC...) and message.
    waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code === undefined ? {} : { code: reply.error.code }));
  }

  /** The thread is gone: what it had not answered is written here, as everything after it. */
  private fail(err: Error): void {
    this.failure ??= err;
    this.outbox = [];
    for (const { request, resolve, reject } of this.pending.values())
      writeFrameJson(request.metadataDir, request.record, request.sequence).then(resolve, reject);
    this.pending.clear();
  }
}

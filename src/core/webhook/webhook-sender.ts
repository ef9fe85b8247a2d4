import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../logger.js';
import { backoffDelayMs, isRetryableStatus } from './backoff.js';
import { toWebhookPayload, type Outbox, type OutboxRow } from './outbox.js';
import { FAR_FUTURE_MS } from './sqlite-outbox.js';
import { HTTP_POST_TIMEOUT_MS, httpPost } from './http-post.js';
import { redactUrl } from './redact-url.js';

/** One POST may take this long; a blackholed endpoint must not hold the queue. */
export const WEBHOOK_REQUEST_TIMEOUT_MS = HTTP_POST_TIMEOUT_MS;
/** Rows loaded per pass: the batch, not the backlog, is what sits in memory. */
export const WEBHOOK_BATCH_LIMIT = 20;
/** On exit, keep trying this long (docs/design.md: up to 5 s); the rest waits in the database for the next start. */
export const WEBHOOK_FLUSH_MS = 5_000;
/** Pause between rounds while flushing, so a dead endpoint is not hammered during the last seconds. */
export const WEBHOOK_FLUSH_PAUSE_MS = 250;
/** While rows back off alone (rejected with a 4xx), look for due ones this often. */
export const WEBHOOK_IDLE_POLL_MS = 1_000;

export interface WebhookSenderOptions {
  url: string;
  /** --public-url: payloads link to the incident and its clips there. */
  publicUrl?: string;
  outbox: Outbox;
  logger?: Logger;
  /** Wall clock (ms). */
  now?: () => number;
  /** [0, 1): the jitter source. */
  random?: () => number;
  requestTimeoutMs?: number;
  /** Backoff base and cap (defaults RETRY_BASE_MS, RETRY_CAP_MS). */
  retryBaseMs?: number;
  retryCapMs?: number;
}

type Outcome = { ok: true } | { ok: false; retryable: boolean; retryInMs: number };

/**
 * Delivers the outbox to `--webhook URL`. Rows go in id order; a failure
 * that says the endpoint is unwell (network error, timeout, 5xx, 408, 429)
 * ends the pass until that row's backoff expires, so a down endpoint gets one
 * request per backoff step, not one per row. A request the endpoint rejects
 * (other 4xx) backs off alone and does not block the rows behind it.
 * Nothing is dropped: a row leaves the queue only when a 2xx came back.
 * Holds no per-row state: the database is the queue.
 */
export class WebhookSender {
  private readonly options: WebhookSenderOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private passAbort: AbortController | undefined;
  private backingOff = false;
  /** notify() came while a pass was finishing: look once more when it ends. */
  private notified = false;
  private consecutiveFailures = 0;
  private stopped = false;
  /** Totals for logs and tests. */
  delivered = 0;
  failures = 0;

  constructor(options: WebhookSenderOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** Begin delivering; rows left by an earlier run are due at once (the endpoint may be back). */
  start(): void {
    this.runPass(true);
  }

  /** A row was written: deliver it now, unless a pass is running or the endpoint is backing off. */
  notify(): void {
    if (this.stopped || this.backingOff) return;
    if (this.pass) {
      this.notified = true;
      return;
    }
    this.runPass(false);
  }

  /** Resolves when no pass is running (tests). */
  async idle(): Promise<void> {
    await this.pass;
  }

  /**
   * On exit: stop the schedule, cut a request in flight, and keep trying
   * everything unsent (backoff ignored) until `deadlineMs` on the wall clock.
   * What is left stays in the database for the next start.
   */
  async flush(deadlineMs = this.now() + WEBHOOK_FLUSH_MS): Promise<{ delivered: number; pending: number }> {
    await this.halt();
    const before = this.delivered;
    const timeoutMs = this.options.requestTimeoutMs ?? WEBHOOK_REQUEST_TIMEOUT_MS;
    while (this.now() < deadlineMs) {
      const rows = this.options.outbox.due(FAR_FUTURE_MS, WEBHOOK_BATCH_LIMIT);
      if (rows.length === 0) break;
      let failed = false;
      for (const row of rows) {
        const remaining = deadlineMs - this.now();
        if (remaining <= 0) break;
        const outcome = await this.send(row, Math.min(remaining, timeoutMs));
        if (!outcome.ok) {
          failed = true;
          if (outcome.retryable) break;
        }
      }
      if (failed) await sleep(Math.min(WEBHOOK_FLUSH_PAUSE_MS, Math.max(0, deadlineMs - this.now())));
    }
    const pending = this.options.outbox.pendingCount();
    if (pending > 0) this.logger.warn(`webhook: ${pending} notifications not delivered before exit; they are kept and sent at the next start`);
    return { delivered: this.delivered - before, pending };
  }

  /** Stop without flushing. */
  async stop(): Promise<void> {
    await this.halt();
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.passAbort?.abort();
    await this.pass;
  }

  private runPass(ignoreBackoff: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const abort = new AbortController();
    this.passAbort = abort;
    this.notified = false;
    this.pass = this.drain(ignoreBackoff, abort.signal)
      .catch((err: unknown) => {
        // A database error (disk full, locked): log it and retry later; never an unhandled rejection.
        this.logger.error(`webhook: cannot use the outbox: ${err instanceof Error ? err.message : String(err)}`);
        return WEBHOOK_IDLE_POLL_MS;
      })
      .then((nextInMs) => {
        this.pass = undefined;
        this.passAbort = undefined;
        if (this.stopped) return;
        if (nextInMs === undefined) {
          if (this.notified) this.runPass(false);
          return;
        }
        this.timer = setTimeout(() => {
          this.backingOff = false;
          this.runPass(false);
        }, nextInMs);
        // The schedule alone must not keep the process alive; the monitor's own lifecycle does.
        this.timer.unref();
      });
  }

  /** Send due rows until none is left; returns when to look again (undefined: on notify). */
  private async drain(ignoreBackoff: boolean, signal: AbortSignal): Promise<number | undefined> {
    const timeoutMs = this.options.requestTimeoutMs ?? WEBHOOK_REQUEST_TIMEOUT_MS;
    for (;;) {
      const rows = this.options.outbox.due(ignoreBackoff ? FAR_FUTURE_MS : this.now(), WEBHOOK_BATCH_LIMIT);
      ignoreBackoff = false;
      if (rows.length === 0) return this.options.outbox.pendingCount() > 0 ? WEBHOOK_IDLE_POLL_MS : undefined;
      for (const row of rows) {
        if (signal.aborted) return undefined;
        const outcome = await this.send(row, timeoutMs, signal);
        if (!outcome.ok && outcome.retryable) {
          this.backingOff = true;
          return outcome.retryInMs;
        }
      }
    }
  }

  private async send(row: OutboxRow, timeoutMs: number, signal?: AbortSignal): Promise<Outcome> {
    const result = await this.post(row, timeoutMs, signal);
    if (result.ok) {
      this.options.outbox.markSent(row.id, this.now());
      this.delivered++;
      if (this.consecutiveFailures > 0) this.logger.info(`webhook: delivering again after ${this.consecutiveFailures} failed attempts`);
      this.consecutiveFailures = 0;
      return { ok: true };
    }
    const attempts = row.attempts + 1;
    const retryInMs = backoffDelayMs(attempts, this.options.random ?? Math.random, this.options.retryBaseMs, this.options.retryCapMs);
    this.failures++;
    this.consecutiveFailures++;
    this.options.outbox.markFailed(row.id, attempts, this.now() + retryInMs, result.error);
    // The first failure of an outage only: a down endpoint must not flood the journal.
    if (this.consecutiveFailures === 1)
      this.logger.warn(`webhook: POST ${redactUrl(this.options.url)} failed (${result.error}); retrying with backoff, nothing is lost`);
    this.logger.debug(`webhook: delivery ${row.id} attempt ${attempts} failed (${result.error}); next in ${retryInMs} ms`);
    return { ok: false, retryable: result.retryable, retryInMs };
  }

  private async post(row: OutboxRow, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: true } | { ok: false; retryable: boolean; error: string }> {
    const result = await httpPost({
      url: this.options.url,
      headers: { 'content-type': 'application/json', 'x-vpt-delivery': String(row.id) },
      body: JSON.stringify(toWebhookPayload(row, undefined, this.options.publicUrl)),
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (result.kind === 'error') return { ok: false, retryable: true, error: result.error };
    if (result.ok) return { ok: true };
    return { ok: false, retryable: isRetryableStatus(result.status), error: `HTTP ${result.status}` };
  }
}

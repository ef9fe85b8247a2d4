import { hostname } from 'node:os';
import { silentLogger, type Logger } from '../logger.js';
import { backoffDelayMs } from '../webhook/backoff.js';
import { httpPost } from '../webhook/http-post.js';
import { redactUrl } from '../webhook/redact-url.js';
import { ALERT_RESEND_MS, toAlert, type PostableAlert } from './alerts.js';
import type { AlertmanagerDeliveries } from './delivery-table.js';

/** Alerts per POST: Alertmanager takes arrays, but a huge body is one failure instead of many small successes. */
export const ALERTS_PER_POST = 100;

export type PostAlerts = (url: string, alerts: PostableAlert[], signal: AbortSignal) => Promise<{ ok: true } | { ok: false; error: string }>;

/** The real delivery: the project's one bounded POST (deadline, capped answer, Basic auth from the URL). */
const postAlerts: PostAlerts = async (url, alerts, signal) => {
  const r = await httpPost({ url, body: JSON.stringify(alerts), headers: { 'content-type': 'application/json' }, signal });
  if (r.kind === 'response') return r.ok ? { ok: true } : { ok: false, error: `HTTP ${r.status}${r.body ? `: ${r.body.trim().slice(0, 200)}` : ''}` };
  return { ok: false, error: r.error };
};

interface AlertmanagerSenderOptions {
  url: string;
  deliveries: Pick<AlertmanagerDeliveries, 'open' | 'resolvedOwed' | 'markResolvedSent'>;
  /** The status page, for generatorURL (undefined: --listen off). */
  pageUrl?: string;
  /** --public-url: generatorURL and the clip links point there (beats pageUrl). */
  publicUrl?: string;
  /** Default postAlerts; tests may count or fail requests. */
  post?: PostAlerts;
  logger?: Logger;
  host?: string;
  now?: () => number;
  random?: () => number;
  resendMs?: number;
}

/**
 * Keeps Alertmanager's view equal to the open incidents: every open incident
 * is posted as a firing alert at once (notify) and again every minute, each
 * resolution once with its endsAt (remembered in the database, so one that
 * failed goes out after a restart too). Resolutions go first in each round:
 * an older incident's resolution must not land after a newer firing alert of
 * the same device and type. A failing Alertmanager is retried with backoff,
 * never more often than the minute.
 */
export class AlertmanagerSender {
  private readonly o: AlertmanagerSenderOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  posted = 0;

  constructor(options: AlertmanagerSenderOptions) {
    this.o = options;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.notify();
  }

  /** An incident opened or resolved: post now (or right after the round in flight). */
  notify(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.round = this.send()
      .catch((err: unknown) => {
        this.logger.error(`alertmanager: cannot read incidents: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      })
      .then((ok) => {
        this.round = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.notify();
          return;
        }
        const resend = this.o.resendMs ?? ALERT_RESEND_MS;
        const wait = ok ? resend : Math.min(resend, backoffDelayMs(this.failures, this.o.random ?? Math.random));
        this.timer = setTimeout(() => this.notify(), wait);
        this.timer.unref();
      });
  }

  /** Resolves when no round is running (tests). */
  async idle(): Promise<void> {
    while (this.round) await this.round;
  }

  /** On exit: a request in flight is cut (the monitor's stop stays within its deadline); what is owed goes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.idle();
  }

  private async send(): Promise<boolean> {
    const now = this.now();
    const host = this.o.host ?? hostname();
    const resolved = this.o.deliveries.resolvedOwed(now);
    const alerts = [...resolved, ...this.o.deliveries.open()].map((i) => toAlert(i, host, now, this.o.pageUrl, this.o.publicUrl));
    const sentResolved: number[] = [];
    for (let at = 0; at < alerts.length; at += ALERTS_PER_POST) {
      const batch = alerts.slice(at, at + ALERTS_PER_POST);
      const result = await (this.o.post ?? postAlerts)(this.o.url, batch, this.abort.signal);
      if (!result.ok) {
        if (sentResolved.length > 0) this.o.deliveries.markResolvedSent(sentResolved, this.now());
        this.failures++;
        if (this.failures === 1)
          this.logger.warn(`alertmanager: POST ${redactUrl(this.o.url)} failed (${result.error}); retrying, open incidents are re-posted`);
        return false;
      }
      this.posted += batch.length;
      sentResolved.push(...resolved.slice(at, at + ALERTS_PER_POST).map((i) => i.id));
    }
    if (sentResolved.length > 0) this.o.deliveries.markResolvedSent(sentResolved, this.now());
    if (this.failures > 0) this.logger.info(`alertmanager: delivering again after ${this.failures} failed rounds`);
    this.failures = 0;
    return true;
  }
}

/**
 * The real WebhookSender and outbox in a process started with --expose-gc, the
 * collector forced every 20 ms: on Node 20 that is what made
 * AbortSignal.any([AbortSignal.timeout(...)]) forget its timeout.
 * Args: <state-dir> <webhook-url> <request-timeout-ms>. Prints `ready`, then one
 * JSON line per second with the sender's totals.
 */
import path from 'node:path';
import { IncidentStore } from '../../../src/core/incidents/incident-store.js';
import { SqliteOutbox } from '../../../src/core/webhook/sqlite-outbox.js';
import { WebhookSender } from '../../../src/core/webhook/webhook-sender.js';

const [stateDir, url, timeoutMs] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run me with --expose-gc');
setInterval(gc, 20);
const store = IncidentStore.openInDir(stateDir!, { outbox: true });
const opened = store.open('capture1', 'freeze', Date.now(), []);
const outbox = new SqliteOutbox(path.join(stateDir!, 'incidents.db'));
const sender = new WebhookSender({ url: url!, outbox, requestTimeoutMs: Number(timeoutMs), retryBaseMs: 20, retryCapMs: 200 });
sender.start();
process.stdout.write(`ready ${opened.id}\n`);
setInterval(() => process.stdout.write(`${JSON.stringify({ delivered: sender.delivered, failures: sender.failures })}\n`), 1_000);

/**
 * A child process that holds incidents.db in a given state: run with
 * vite-node by the tests, which then kill it (-9) to prove crash recovery.
 *   incident-holder.ts <state-dir> open-incident   -> opens one, prints "ready <id>", waits
 *   incident-holder.ts <state-dir> hold-lock       -> holds the write lock, prints "ready", waits
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { IncidentStore } from '../../../src/core/incidents/incident-store.js';

const [stateDir, mode] = process.argv.slice(2);
if (!stateDir || !mode) throw new Error('usage: incident-holder.ts <state-dir> open-incident|hold-lock');

if (mode === 'open-incident') {
  const store = IncidentStore.openInDir(stateDir);
  const incident = store.open('capture1', 'freeze', Date.parse('2025-10-17T14:30:00Z'), ['/cold/capture_000000001.jpg'], { pid: process.pid });
  process.stdout.write(`ready ${incident.id}\n`);
} else {
  IncidentStore.openInDir(stateDir).close();
  const db = new Database(path.join(stateDir, 'incidents.db'));
  db.exec('BEGIN IMMEDIATE');
  process.stdout.write('ready\n');
}
setInterval(() => undefined, 60_000);

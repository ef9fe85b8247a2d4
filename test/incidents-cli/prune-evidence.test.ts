import Database from 'better-sqlite3';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Evidence goes with its incident (issue 27 item 9), and an incident whose
 * notification is still owed stays (issue 29 item 4): `vpt incidents prune`
 * and the monitor's retention, on real files and a real database.
 */
let dir: string;
let stream: string;
let state: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-prune-evidence-'));
  stream = path.join(dir, 'stream');
  state = path.join(dir, 'state');
  await mkdir(state);
});
afterEach(async () => cleanup());

const HOUR = 3_600_000;
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** A frame's capture and thumbnail in cold storage, as preserveEvidence leaves them; returns both paths. */
async function evidenceFrame(device: string, sequence: number, bytes = 1000): Promise<string[]> {
  const name = `capture_${String(sequence).padStart(9, '0')}`;
  const files = [path.join(stream, device, 'captures', `${name}.jpg`), path.join(stream, device, 'thumbnails', `${name}_thumbnail.jpg`)];
  for (const f of files) {
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, Buffer.alloc(bytes, 1));
  }
  return files;
}

/** A resolved incident whose event ran from `startMs` for 10 s (or until `endMs`). */
function resolved(
  store: IncidentStore,
  device: string,
  startMs: number,
  evidence: string[],
  type: 'freeze' | 'blackscreen' = 'freeze',
  endMs = startMs + 10_000,
): number {
  const incident = store.open(device, type, startMs + 5_000, evidence, {}, startMs);
  store.resolve(incident.id, endMs, 'cleared');
  return incident.id;
}

describe('vpt incidents prune deletes evidence with its incident', () => {
  it('deletes the files of pruned incidents, keeps a file a kept incident shares, deletes nothing that is not evidence', async () => {
    const old = Date.now() - 5 * HOUR;
    const [a1, a2] = await evidenceFrame('capture1', 1);
    const [b1, b2] = await evidenceFrame('capture1', 2);
    const [c1, c2] = await evidenceFrame('capture1', 3);
    const [d1] = await evidenceFrame('capture1', 4);
    const precious = path.join(dir, 'precious.txt');
    await writeFile(precious, 'keep me');
    // A symlink named like a frame: lstat sees the link, the target is never touched.
    const linked = path.join(stream, 'capture2', 'captures', 'capture_000000009.jpg');
    await mkdir(path.dirname(linked), { recursive: true });
    await symlink(precious, linked);
    const store = IncidentStore.openInDir(state);
    resolved(store, 'capture1', old, [a1!, a2!, b1!, b2!]);
    // Kept (a long black stretch that began with the freeze, resolved 10 min ago): it shares frame 2 with the first.
    resolved(store, 'capture1', old, [b1!, b2!, c1!, c2!], 'blackscreen', Date.now() - 600_000);
    resolved(store, 'capture2', old, [precious, linked, `${stream}/capture2/captures/../../capture1/captures/capture_000000004.jpg`]);
    store.close();

    const r = await runVpt(['incidents', 'prune', '--older-than', '1h', '--state-dir', state, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      removed: 2,
      evidence: { files_deleted: 2, bytes_freed: 2000, already_gone: 0, refused: 3, failed: 0 },
      kept_undelivered: { webhook: 0, alertmanager: 0 },
    });
    expect(r.stderr).toMatch(/^warning: 3 evidence paths in .* are not frames of their device's captures or thumbnails folder: not deleted$/);
    expect([await exists(a1!), await exists(a2!)]).toEqual([false, false]);
    expect([await exists(b1!), await exists(b2!), await exists(c1!), await exists(c2!)]).toEqual([true, true, true, true]);
    expect(await readFile(precious, 'utf8')).toBe('keep me');
    expect(await exists(linked)).toBe(true);
    expect(await exists(d1!)).toBe(true);

    // The human line says what was freed; a second prune of the rest counts files already gone.
    const db = new Database(path.join(state, 'incidents.db'));
    db.prepare(`UPDATE incidents SET evidence = ? WHERE device = 'capture1'`).run(JSON.stringify([a1, c1]));
    db.close();
    const text = await runVpt(['incidents', 'prune', '--older-than', '0s', '--state-dir', state]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^removed 1 incident resolved before .*; evidence: 1 files deleted \(1000B freed\), 1 already gone$/);
    expect(await exists(c1!)).toBe(false);
  });
});

describe('prune keeps incidents whose notifications are owed', () => {
  it('webhook: kept and said while undelivered, delivered once the endpoint answers, pruned after', async () => {
    const store = IncidentStore.openInDir(state, { outbox: true });
    for (let i = 0; i < 8; i++) resolved(store, 'capture1', Date.now() - 2 * HOUR + i * 60_000, [], i % 2 ? 'freeze' : 'blackscreen');
    store.close();
    const kept = await runVpt(['incidents', 'prune', '--older-than', '1s', '--state-dir', state]);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(kept.stdout.split('\n')).toEqual([
      expect.stringMatching(/^removed 0 incidents/),
      'kept 8 resolved incidents whose notifications are not delivered yet (webhook: 8, Alertmanager: 0); the next prune after delivery removes them',
    ]);

    // The endpoint recovers: a monitor delivers all 16 owed notifications.
    const receiver = new WebhookReceiver();
    await receiver.up();
    await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
    const m = startMonitor(['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio', '--webhook', receiver.url], { TMPDIR: dir });
    try {
      const deadline = Date.now() + 60_000;
      while (receiver.received.length < 16 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      expect(receiver.received.length).toBe(16);
    } finally {
      m.child.kill('SIGTERM');
      await m.child;
      await receiver.down();
    }
    const pruned = await runVpt(['incidents', 'prune', '--older-than', '1s', '--state-dir', state, '--json']);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ removed: 8, kept_undelivered: { webhook: 0, alertmanager: 0 } });
  }, 90_000);

  it('Alertmanager: a resolution not posted yet (within its 24 h lookback) keeps its incident', async () => {
    const store = IncidentStore.openInDir(state);
    const posted = resolved(store, 'capture1', Date.now() - 2 * HOUR, []);
    resolved(store, 'capture1', Date.now() - 3 * HOUR, [], 'blackscreen');
    resolved(store, 'capture2', Date.now() - 30 * HOUR, []);
    store.close();
    const db = new Database(path.join(state, 'incidents.db'));
    db.exec('CREATE TABLE alertmanager_resolved (incident_id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL)');
    db.prepare('INSERT INTO alertmanager_resolved VALUES (?, ?)').run(posted, new Date().toISOString());
    db.close();
    const r = await runVpt(['incidents', 'prune', '--older-than', '1h', '--state-dir', state, '--json']);
    // Posted one and the one past the lookback go; the owed one stays.
    expect(JSON.parse(r.stdout)).toMatchObject({ removed: 2, kept_undelivered: { webhook: 0, alertmanager: 1 } });
  });
});

describe('the monitor retention (--keep-incidents) deletes evidence too', () => {
  it('says what it removed and freed', async () => {
    const files = [...(await evidenceFrame('capture1', 1, 2048)), ...(await evidenceFrame('capture1', 2, 2048))];
    const store = IncidentStore.openInDir(state);
    resolved(store, 'capture1', Date.now() - 5 * HOUR, files.slice(0, 2));
    resolved(store, 'capture1', Date.now() - 4 * HOUR, files.slice(2), 'blackscreen');
    store.close();
    const m = startMonitor(
      ['--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio', '--keep-incidents', '1h', '--sweep-interval', '1s'],
      { TMPDIR: dir },
    );
    try {
      const line = await m.waitForStderr(/^incident retention: /, 30_000);
      expect(line).toMatch(/^incident retention: removed 2 incidents resolved before \S+ and 4 evidence files \(8K freed, 0 already gone\)$/);
    } finally {
      m.child.kill('SIGTERM');
      await m.child;
    }
    for (const f of files) expect(await exists(f)).toBe(false);
    const list = await runVpt(['incidents', '--state-dir', state, '--since', '30d', '--json']);
    expect(JSON.parse(list.stdout).incidents).toEqual([]);
  }, 60_000);
});

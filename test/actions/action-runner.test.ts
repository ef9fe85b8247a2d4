import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionLimiter, MAX_LIMITED_KEYS } from '../../src/core/actions/action-limiter.js';
import { ActionLog, MAX_UNATTACHED_ACTION_ROWS } from '../../src/core/actions/action-log.js';
import { ACTION_OUTPUT_TAIL_CHARS, ActionRunner, MAX_ACTIONS_IN_FLIGHT, outputTail } from '../../src/core/actions/action-runner.js';
import {
  actionSettingsFrom,
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_RUNS,
  DEFAULT_RATE_WINDOW_MS,
  expandCommand,
  NO_ACTIONS,
} from '../../src/core/actions/action-settings.js';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { pruneIncidents } from '../../src/core/incidents/prune-incidents.js';
import { IncidentReader } from '../../src/core/incidents/incident-reader.js';
import type { MonitorEvent } from '../../src/core/events/monitor-event.js';
import { createLogger } from '../../src/core/logger.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const HOUR = 3_600_000;
const MIN = 60_000;

describe('ActionLimiter', () => {
  const limits = { maxRuns: DEFAULT_MAX_RUNS, windowMs: DEFAULT_RATE_WINDOW_MS, backoffMs: DEFAULT_BACKOFF_MS };
  it('3 an hour with a doubling wait (1 min, then 2 min), per key; the window frees them again', () => {
    const l = new ActionLimiter();
    expect(l.take('a', 0, limits)).toBe(true);
    expect(l.take('a', MIN - 1, limits)).toBe(false); // inside the first wait
    expect(l.take('b', 1, limits)).toBe(true); // another device is not held back
    expect(l.take('a', MIN, limits)).toBe(true);
    expect(l.take('a', 3 * MIN - 1, limits)).toBe(false); // the second wait is 2 min
    expect(l.take('a', 3 * MIN, limits)).toBe(true);
    expect(l.take('a', 30 * MIN, limits)).toBe(false); // 3 in the window already
    expect(l.take('a', HOUR - 1, limits)).toBe(false); // still 3 within the last hour
    expect(l.take('a', HOUR, limits)).toBe(true); // the first has left the window (a sliding hour)
  });

  it('holds at most MAX_LIMITED_KEYS keys', () => {
    const l = new ActionLimiter();
    for (let i = 0; i < MAX_LIMITED_KEYS + 50; i++) l.take(`device${i}`, 0, limits);
    expect(l.size).toBe(MAX_LIMITED_KEYS);
  });
});

describe('action settings', () => {
  it('no [actions]: nothing configured; defaults are named', () => {
    expect(actionSettingsFrom(undefined)).toBe(NO_ACTIONS);
    expect(actionSettingsFrom({ capture_stalled: { command: ['systemctl', 'restart', 'capture@%d'] }, timeout: 5000 })).toEqual({
      dryRun: false,
      maxRuns: 3,
      rateWindowMs: HOUR,
      backoffMs: MIN,
      actions: { capture_stalled: { command: ['systemctl', 'restart', 'capture@%d'], timeoutMs: 5000 } },
    });
  });

  it('placeholders: %d device, %i incident, %t type, %% percent; nothing else is touched', () => {
    expect(
      expandCommand(['systemctl', 'restart', 'capture@%d', '--id=%i', '%t', '100%%', '%x', '$HOME'], {
        device: 'capture2',
        incidentId: 12,
        type: 'capture_stalled',
      }),
    ).toEqual(['systemctl', 'restart', 'capture@capture2', '--id=12', 'capture_stalled', '100%', '%x', '$HOME']);
  });

  it('keeps the last 10 lines of output, at most 2000 characters', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    expect(outputTail(`${text}\n`).split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `line ${40 + i}`));
    expect(outputTail('x'.repeat(10_000))).toHaveLength(ACTION_OUTPUT_TAIL_CHARS);
  });
});

describe('ActionRunner with real commands and a real incidents.db', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: IncidentStore;
  let log: ActionLog;
  const events: MonitorEvent[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('vpt-actions-'));
    store = IncidentStore.openInDir(dir);
    log = new ActionLog(store.file);
    events.length = 0;
  });
  afterEach(async () => {
    log.close();
    store.close();
    await cleanup();
  });

  function runner(section: Parameters<typeof actionSettingsFrom>[0], now?: () => number) {
    const settings = actionSettingsFrom(section);
    return new ActionRunner({
      settings: () => settings,
      record: (r) => log.record(r),
      onEvent: (e) => events.push(e),
      logger: createLogger({ write: () => undefined }),
      now,
    });
  }
  const actionsOf = async (id: number) => {
    const reader = await IncidentReader.openInDir(dir);
    try {
      return reader.actions(id);
    } finally {
      reader.close();
    }
  };

  it('runs the argv with placeholders (no shell), records exit code, duration and output tail with the incident', async () => {
    const incident = store.open('capture1', 'capture_stalled', Date.now(), []);
    const marker = path.join(dir, 'ran');
    const r = runner({ capture_stalled: { command: ['sh', '-c', 'echo "$1 $2" > "$3"; echo out; echo err >&2; exit 3', 'sh', '%d', '%i', marker] } });
    await r.incidentOpened('capture1', 'capture_stalled', incident.id);
    const [row] = await actionsOf(incident.id);
    expect(row).toMatchObject({ trigger: 'capture_stalled', result: 'failed', exit_code: 3, output: 'out\nerr' });
    expect(row!.command.slice(-3)).toEqual(['capture1', String(incident.id), marker]);
    expect(row!.duration_ms).toBeGreaterThanOrEqual(0);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(marker, 'utf8')).toBe(`capture1 ${incident.id}\n`);
    expect(events).toEqual([expect.objectContaining({ event: 'action', device: 'capture1', type: 'capture_stalled', result: 'failed', exit_code: 3 })]);
  });

  it('a hung command is killed at its timeout; a missing program is an error; neither throws', async () => {
    const a = store.open('capture1', 'freeze', Date.now(), []);
    const b = store.open('capture2', 'freeze', Date.now(), []);
    await runner({ freeze: { command: ['sleep', '30'], timeout: 300 } }).incidentOpened('capture1', 'freeze', a.id);
    expect((await actionsOf(a.id))[0]).toMatchObject({ result: 'timeout' });
    await runner({ freeze: { command: ['/nonexistent/restart-me'] } }).incidentOpened('capture2', 'freeze', b.id);
    expect((await actionsOf(b.id))[0]).toMatchObject({ result: 'error', exit_code: null });
  });

  it('dry run only records; beyond the rate limit it is "suppressed by rate limit"; at most MAX_ACTIONS_IN_FLIGHT run at once', async () => {
    let now = 0;
    const dry = runner({ dry_run: true, capture_stalled: { command: ['true'] } }, () => now);
    const first = store.open('capture1', 'capture_stalled', Date.now(), []);
    await dry.incidentOpened('capture1', 'capture_stalled', first.id);
    expect(await actionsOf(first.id)).toEqual([expect.objectContaining({ result: 'dry_run', exit_code: null, output: 'dry run: not run' })]);
    now = 10_000; // inside the 1 min backoff
    await dry.incidentOpened('capture1', 'capture_stalled', first.id);
    expect((await actionsOf(first.id))[1]).toMatchObject({ result: 'suppressed', output: 'suppressed by rate limit' });

    const busy = runner({ max_runs: 100, backoff: 0, freeze: { command: ['sleep', '1'] } });
    const ids = Array.from({ length: MAX_ACTIONS_IN_FLIGHT + 1 }, (_, i) => store.open(`capture${i}`, 'freeze', Date.now(), []).id);
    await Promise.all(ids.map((id, i) => busy.incidentOpened(`capture${i}`, 'freeze', id)));
    const results = await Promise.all(ids.map(async (id) => (await actionsOf(id))[0]!.result));
    expect(results.filter((r) => r === 'ok')).toHaveLength(MAX_ACTIONS_IN_FLIGHT);
    expect(results.at(-1)).toBe('suppressed');
  });

  it('the memory alert has no incident: its rows are kept to the newest MAX_UNATTACHED_ACTION_ROWS', async () => {
    for (let i = 0; i < MAX_UNATTACHED_ACTION_ROWS + 20; i++) {
      log.record({
        incidentId: undefined,
        device: 'vpt-monitor',
        trigger: 'memory_alert',
        command: ['true'],
        result: 'suppressed',
        exitCode: undefined,
        durationMs: undefined,
        output: '',
        startedAt: i,
      });
    }
    const db = new Database(store.file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM incident_actions WHERE incident_id IS NULL').get()).toEqual({ n: MAX_UNATTACHED_ACTION_ROWS });
    db.close();
  });

  it('pruning an incident takes its actions with it', async () => {
    const incident = store.open('capture1', 'freeze', Date.now() - 10 * HOUR, []);
    await runner({ freeze: { command: ['true'] } }).incidentOpened('capture1', 'freeze', incident.id);
    store.resolve(incident.id, Date.now() - 9 * HOUR, 'cleared');
    expect((await pruneIncidents(store, Date.now(), { batch: 10, maxBatches: 1 })).incidents).toBe(1);
    const db = new Database(store.file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM incident_actions').get()).toEqual({ n: 0 });
    db.close();
  });
});

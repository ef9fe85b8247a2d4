import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorMetrics } from '../../src/core/metrics/monitor-metrics.js';
import { MonitorStatus } from '../../src/core/status/monitor-status.js';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';

/**
 * /metrics by Prometheus' own linter (`promtool check metrics`), and the
 * fleet files in contrib/ by promtool (rules and their unit tests) and by
 * the names they use: every vpt_ series a rule or a dashboard panel asks for
 * exists in the monitor's /metrics or in `vpt investigate --prom`.
 */
const CONTRIB = path.join(REPO_ROOT, 'contrib');
let dir: string;
let cleanup: () => Promise<void>;
let exposition: string;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-metrics-'));
  const status = new MonitorStatus({ devices: ['capture1', 'capture2'], startedMs: Date.now() - 10_000, stallAfterMs: 10_000 });
  status.device('capture1').frameReceived(7, Date.now() - 1_500);
  status.device('capture1').frameAnalysed(false, { sequence: 7, black: true, frozen: false });
  status.device('capture2').frameFailed();
  const snapshot = () =>
    status.snapshot(Date.now(), (device) => ({
      dropped: device === 'capture1' ? 4 : 0,
      queued: 1,
      behind: false,
      audioChecked: true,
      openEvents: device === 'capture2' ? [{ type: 'blackscreen', started_at: new Date().toISOString(), incident_id: 3 }] : [],
    }));
  const metrics = await MonitorMetrics.create(
    { snapshot, openIncidents: () => [{ device: 'capture2', type: 'blackscreen' }], outbox: () => ({ pending: 2, failed: 1 }), version: '0.1.0' },
    ['capture1', 'capture2'],
  );
  metrics.observe({ event: 'frame', ts: new Date().toISOString(), device: 'capture1', sequence: 7, sampled: false, late: false, performance_ms: 4.2 });
  metrics.observe({ event: 'incident_opened', ts: new Date().toISOString(), device: 'capture2', type: 'blackscreen', incident_id: 3, evidence: [] });
  exposition = (await metrics.render()).body;
});
afterAll(async () => cleanup());

const sample = (name: string) => exposition.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('/metrics', () => {
  it('carries the per-device series from the snapshot and the events', () => {
    expect(sample('vpt_frames_analysed_total')).toEqual(['vpt_frames_analysed_total{device="capture1"} 1', 'vpt_frames_analysed_total{device="capture2"} 0']);
    expect(sample('vpt_frames_dropped_total')).toContain('vpt_frames_dropped_total{device="capture1"} 4');
    expect(sample('vpt_frames_bad_total')).toContain('vpt_frames_bad_total{device="capture2"} 1');
    expect(sample('vpt_frame_analysis_seconds_count')).toEqual(['vpt_frame_analysis_seconds_count{device="capture1"} 1']);
    // The picture states are the newest analysed frame's verdicts: capture1's frame 7 is black; capture2 has analysed none.
    expect(sample('vpt_device_state')).toContain('vpt_device_state{device="capture1",state="black"} 1');
    expect(sample('vpt_device_state')).toContain('vpt_device_state{device="capture2",state="black"} 0');
    expect(sample('vpt_incidents_open')).toContain('vpt_incidents_open{device="capture2",type="blackscreen"} 1');
    expect(sample('vpt_incidents_opened_total')).toContain('vpt_incidents_opened_total{device="capture2",type="blackscreen"} 1');
    expect(sample('vpt_webhook_outbox_pending')).toEqual(['vpt_webhook_outbox_pending 2']);
    expect(sample('vpt_webhook_outbox_failed')).toEqual(['vpt_webhook_outbox_failed 1']);
    const age = Number(sample('vpt_last_frame_age_seconds')[0]!.split(' ')[1]);
    expect(age).toBeGreaterThanOrEqual(1.5);
    expect(age).toBeLessThan(30);
    expect(sample('process_resident_memory_bytes')).toHaveLength(1);
  });

  it('is clean for `promtool check metrics` (names, units, _total, HELP)', async () => {
    const r = await execa('promtool', ['check', 'metrics'], { input: exposition, reject: false, timeout: 30_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('contrib/ for the fleet', () => {
  it('the alert rules pass `promtool check rules` and their unit tests', async () => {
    const rules = path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.yml');
    const check = await execa('promtool', ['check', 'rules', rules], { reject: false, timeout: 30_000 });
    expect(check.stdout).toContain('SUCCESS: 7 rules found');
    const test = await execa('promtool', ['test', 'rules', path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.test.yml')], {
      reject: false,
      timeout: 60_000,
    });
    expect(`${test.stdout}${test.stderr}`).toContain('SUCCESS');
    expect(test.exitCode).toBe(0);
  });

  it('a rule that is wrong fails its unit test (the tests can fail)', async () => {
    const rules = await readFile(path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.yml'), 'utf8');
    await writeFile(path.join(dir, 'vpt-monitor-alerts.yml'), rules.replace('vpt_tmpfs_used_ratio > 0.9', 'vpt_tmpfs_used_ratio > 0.99'));
    await writeFile(path.join(dir, 't.yml'), await readFile(path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.test.yml'), 'utf8'));
    const test = await execa('promtool', ['test', 'rules', path.join(dir, 't.yml')], { reject: false, timeout: 60_000 });
    expect(test.exitCode).not.toBe(0);
    expect(`${test.stdout}${test.stderr}`).toContain('VptHostTmpfsFull');
  });

  it('every vpt_ name in the rules and the Grafana dashboard exists in /metrics or in `vpt investigate --prom`', async () => {
    const health = await readFile(path.join(REPO_ROOT, 'src', 'core', 'investigate', 'prometheus.ts'), 'utf8');
    const known = new Set([...exposition.matchAll(/^# TYPE (\w+)/gm), ...health.matchAll(/name: '(vpt_\w+)'/g)].map((m) => m[1]!));
    const dashboard = JSON.parse(await readFile(path.join(CONTRIB, 'grafana', 'vpt-monitors.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...[...(await readFile(path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.yml'), 'utf8')).matchAll(/expr: (.*)/g)].map((m) => m[1]!),
    ];
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(vpt_\w+|process_resident_memory_bytes)\b/g)].map((m) => m[1]!.replace(/_bucket$/, ''))));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(known, name).toContain(name);
  });
});

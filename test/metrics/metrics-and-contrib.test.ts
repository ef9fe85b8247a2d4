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
      watcher: device === 'capture1' ? { seen: 20, superseded: 5 } : { seen: 3, superseded: 0 },
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
    // The frame account: 20 seen = 1 analysed + 4 dropped + 5 superseded + 10 pending; 3 = 1 failed + 2 pending.
    expect(sample('vpt_frames_seen_total')).toEqual(['vpt_frames_seen_total{device="capture1"} 20', 'vpt_frames_seen_total{device="capture2"} 3']);
    expect(sample('vpt_frames_total').filter((l) => l.includes('"capture1"'))).toEqual([
      'vpt_frames_total{device="capture1",outcome="analysed"} 1',
      'vpt_frames_total{device="capture1",outcome="sampled"} 0',
      'vpt_frames_total{device="capture1",outcome="failed"} 0',
      'vpt_frames_total{device="capture1",outcome="superseded"} 5',
      'vpt_frames_total{device="capture1",outcome="dropped"} 4',
    ]);
    expect(sample('vpt_frames_total')).toContain('vpt_frames_total{device="capture2",outcome="failed"} 1');
    expect(sample('vpt_frames_pending')).toEqual(['vpt_frames_pending{device="capture1"} 10', 'vpt_frames_pending{device="capture2"} 2']);
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
  const RULE_FILES = { 'vpt-monitor-alerts': 8, 'vpt-host-alerts': 13 } as const;

  it('the alert rules pass `promtool check rules` and their unit tests', async () => {
    for (const [name, count] of Object.entries(RULE_FILES)) {
      const check = await execa('promtool', ['check', 'rules', path.join(CONTRIB, 'prometheus', `${name}.yml`)], { reject: false, timeout: 30_000 });
      expect(check.stdout, name).toContain(`SUCCESS: ${count} rules found`);
      const test = await execa('promtool', ['test', 'rules', path.join(CONTRIB, 'prometheus', `${name}.test.yml`)], { reject: false, timeout: 60_000 });
      expect(`${test.stdout}${test.stderr}`, name).toContain('SUCCESS');
      expect(test.exitCode, name).toBe(0);
    }
  });

  it("every rule has a unit test that names it, and a rule that is wrong fails its file's tests", async () => {
    for (const name of Object.keys(RULE_FILES)) {
      const rules = await readFile(path.join(CONTRIB, 'prometheus', `${name}.yml`), 'utf8');
      const tests = await readFile(path.join(CONTRIB, 'prometheus', `${name}.test.yml`), 'utf8');
      const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
      const tested = new Set([...tests.matchAll(/alertname: (\w+)/g)].map((m) => m[1]!));
      // The health status summaries (WARNING, UNKNOWN) mirror VptHealthCritical, which is tested.
      expect(
        alerts.filter((a) => !tested.has(a) && !['VptHealthWarning', 'VptHealthUnknown', 'VptTmpfsFullWithinAnHour', 'VptDeviceFrozen'].includes(a)),
        name,
      ).toEqual([]);
    }
    // One condition per issue-25 cause, each made wrong in turn: its test must notice.
    const wrong: [string, string, string, string][] = [
      ['vpt-host-alerts', 'vpt_tmpfs_used_ratio > 0.9', 'vpt_tmpfs_used_ratio > 0.99', 'VptTmpfsFull'],
      ['vpt-host-alerts', 'vpt_tmpfs_used_ratio > 0.8', 'vpt_tmpfs_used_ratio > 0.9', 'VptTmpfsAlmostFull'],
      ['vpt-host-alerts', '> 120', '> 600', 'VptHealthSampleStale'],
      ['vpt-host-alerts', 'unless on(instance)', 'and on(instance)', 'VptHealthMissing'],
      ['vpt-host-alerts', '> 1024 * 1024 * 1024', '> 2 * 1024 * 1024 * 1024', 'VptProcessMemoryHigh'],
      ['vpt-host-alerts', 'increase(vpt_oom_kills_total[10m]) > 0', 'increase(vpt_oom_kills_total[10m]) > 5', 'VptOomKill'],
      ['vpt-host-alerts', '{storage="runtime"} > 100', '{storage="runtime"} > 300', 'VptJournalRamLarge'],
      ['vpt-host-alerts', 'vpt_tmp_leftover_files > 0', 'vpt_tmp_leftover_files > 5', 'VptTmpLeftovers'],
      ['vpt-monitor-alerts', 'state="audio_lost"', 'state="audio_ok"', 'VptAudioLost'],
      ['vpt-monitor-alerts', 'state="audio_stalled"', 'state="audio_gone"', 'VptSegmentsStalled'],
      ['vpt-monitor-alerts', 'state="stalled"', 'state="stale"', 'VptCaptureStalled'],
      ['vpt-monitor-alerts', 'up{job="vpt-monitor"} == 0', 'up{job="vpt-monitor"} == 2', 'VptMonitorDown'],
    ];
    for (const [name, from, to, alert] of wrong) {
      const rules = await readFile(path.join(CONTRIB, 'prometheus', `${name}.yml`), 'utf8');
      expect(rules, alert).toContain(from);
      await writeFile(path.join(dir, `${name}.yml`), rules.replace(from, to));
      await writeFile(path.join(dir, 't.yml'), await readFile(path.join(CONTRIB, 'prometheus', `${name}.test.yml`), 'utf8'));
      const test = await execa('promtool', ['test', 'rules', path.join(dir, 't.yml')], { reject: false, timeout: 60_000 });
      expect(test.exitCode, alert).not.toBe(0);
      expect(`${test.stdout}${test.stderr}`, alert).toContain(alert);
    }
  }, 120_000);

  it('every vpt_ name in the rules and the Grafana dashboard exists in /metrics or in `vpt investigate --prom`', async () => {
    const health = await readFile(path.join(REPO_ROOT, 'src', 'core', 'investigate', 'prometheus.ts'), 'utf8');
    const known = new Set([...exposition.matchAll(/^# TYPE (\w+)/gm), ...health.matchAll(/name: '(vpt_\w+)'/g)].map((m) => m[1]!));
    const dashboard = JSON.parse(await readFile(path.join(CONTRIB, 'grafana', 'vpt-monitors.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...[
        ...(await readFile(path.join(CONTRIB, 'prometheus', 'vpt-monitor-alerts.yml'), 'utf8')).matchAll(/expr: (.*)/g),
        ...(await readFile(path.join(CONTRIB, 'prometheus', 'vpt-host-alerts.yml'), 'utf8')).matchAll(/expr: (.*)/g),
      ].map((m) => m[1]!),
    ];
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(vpt_\w+|process_resident_memory_bytes)\b/g)].map((m) => m[1]!.replace(/_bucket$/, ''))));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(known, name).toContain(name);
  });
});

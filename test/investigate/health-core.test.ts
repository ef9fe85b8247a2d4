import { execa } from 'execa';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { debounce, nagiosState } from '../../src/core/investigate/health-alerts.js';
import { healthLogPath, readLastSample, readSamplesSince } from '../../src/core/investigate/health-history.js';
import { HEALTH_WALK_LIMITS, oomKillsSince, takeHealthSample } from '../../src/core/investigate/health.js';
import type { HealthAlert, HealthSample } from '../../src/core/investigate/health-types.js';
import { renderMetrics, sampleMetrics } from '../../src/core/investigate/prometheus.js';
import { createProbeContext } from '../../src/core/probes/index.js';
import { formatSize } from '../../src/core/units.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FARM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/proc/farm');
const NOW = new Date(2025, 9, 17, 14, 30, 0);
const NAGIOS =
  /^VPT HEALTH (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+?( \| ('[^'=]+'=-?[\d.]+(%|B|c|s)?;[\d.]*;[\d.]*;[\d.]*;[\d.]*)( '[^'=]+'=-?[\d.]+(%|B|c|s)?;[\d.]*;[\d.]*;[\d.]*;[\d.]*)*)?$/;

const FLAT_SAMPLE: HealthSample = {
  version: 1,
  time: NOW.toISOString(),
  localTime: '',
  host: 'h',
  hotFolders: [],
  processes: [],
  alerts: [],
  pending: {},
  status: 'OK',
  unavailable: {},
  durationMs: 1,
};

let temp: { dir: string; cleanup: () => Promise<void> };
let dirs: { log: string; rootfs: string; stream: string; tmp: string };
beforeEach(async () => {
  temp = await makeTempDir('vpt-health-core-');
  dirs = { log: path.join(temp.dir, 'log'), rootfs: path.join(temp.dir, 'root'), stream: path.join(temp.dir, 'stream'), tmp: path.join(temp.dir, 'tmp') };
  for (const d of [dirs.rootfs, dirs.stream, dirs.tmp]) await mkdir(d, { recursive: true });
});
afterEach(async () => temp.cleanup());

const ctx = (overrides = {}) =>
  createProbeContext({ procRoot: FARM, rootfs: dirs.rootfs, streamRoot: dirs.stream, tmpDir: dirs.tmp, now: () => NOW, selfPid: 1, ...overrides });

describe('takeHealthSample on a fixture /proc', () => {
  it('writes the health log in the dashboards format, a JSON line, and alerts over the thresholds', async () => {
    // Journal in RAM over a configured 1K limit; OOM counter 1 at the previous sample, 3 now.
    await mkdir(path.join(dirs.rootfs, 'run/log/journal/abc'), { recursive: true });
    await writeFile(path.join(dirs.rootfs, 'run/log/journal/abc/system.journal'), 'j'.repeat(64 * 1024));
    await mkdir(path.join(dirs.rootfs, 'etc/systemd/journald.conf.d'), { recursive: true });
    await writeFile(path.join(dirs.rootfs, 'etc/systemd/journald.conf.d/60-vpt-limits.conf'), '[Journal]\nRuntimeMaxUse=1K\n');
    await mkdir(dirs.log, { recursive: true });
    await writeFile(healthLogPath(dirs.log, NOW, 'jsonl'), `${JSON.stringify({ time: new Date(NOW.getTime() - 30_000).toISOString(), oomKillCounter: 1 })}\n`);

    // The files' allocated blocks, as journald counts them against RuntimeMaxUse (and as journald-limits reports).
    const journal = formatSize((await lstat(path.join(dirs.rootfs, 'run/log/journal/abc/system.journal'))).blocks * 512);
    const result = await takeHealthSample(ctx(), { logDir: dirs.log, memoryAlertBytes: 400 * 1024 ** 2, forSamples: 1 });
    const log = await readFile(healthLogPath(dirs.log, NOW, 'log'), 'utf8');
    const lines = log.trimEnd().split('\n');
    expect(lines[0]).toBe('[2025-10-17 14:30:00] Load: 0.52 | Mem: 6.1G/7.6G');
    expect(lines[1]).toMatch(/^\[2025-10-17 14:30:00\] Global Disk: \d+% used, [\d.]+[KMGT]? free$/);
    expect(lines.slice(2)).toEqual([
      '[2025-10-17 14:30:00] HOT FOLDERS:',
      '[2025-10-17 14:30:00]   none found',
      '[2025-10-17 14:30:00] MEMORY LEAK TRACKING:',
      '[2025-10-17 14:30:00]   capture_monitor.py: 450.2MB (5.8%)',
      '[2025-10-17 14:30:00]   vpt monitor: 85.2MB (1.1%)',
      `[2025-10-17 14:30:00]   Journal RAM: ${journal}`,
      expect.stringMatching(/^\[2025-10-17 14:30:00\]   \/tmp size: [\d.]+[KM]?B?$/),
      '[2025-10-17 14:30:00]   ⚠️  ALERT: capture_monitor.py exceeds 400MB! Possible memory leak!',
      `[2025-10-17 14:30:00]   ⚠️  ALERT: Journal RAM ${journal} exceeds its limit 1K! Run vpt journald-limits --apply`,
      '[2025-10-17 14:30:00]   ⚠️  ALERT: OOM killer fired 2 time(s) since the last sample!',
    ]);
    expect(result.sample.status).toBe('CRITICAL');
    expect(result.exitCode).toBe(2);
    expect(result.nagiosLine).toMatch(NAGIOS);
    expect(result.nagiosLine).toMatch(/^VPT HEALTH CRITICAL - capture_monitor\.py 450M > 400M, journal RAM \d+K > 1K, 2 OOM kill\(s\) \| /);
    expect(result.nagiosLine).toContain(`'capture_monitor.py_rss'=${461044 * 1024}B;${400 * 1024 ** 2};;0;${7998084 * 1024}`);

    const last = await readLastSample(dirs.log, NOW);
    expect(last).toMatchObject({ oomKillCounter: 3, oomKillsSinceLast: 2, status: 'CRITICAL' });
    expect(last!.processes[0]).toMatchObject({ name: 'capture_monitor.py', pid: 1234, startTicks: 1523440, rssBytes: 461044 * 1024 });
  });

  it('--for 2: the first sample over the threshold is pending, the second alerts', async () => {
    const options = { logDir: dirs.log, memoryAlertBytes: 400 * 1024 ** 2, forSamples: 2 };
    const first = await takeHealthSample(ctx(), options);
    expect(first.sample.alerts).toEqual([]);
    expect(first.sample.pending).toEqual({ 'process:1234:1523440': 1 });
    expect(first.exitCode).toBe(0);
    const second = await takeHealthSample(ctx(), options);
    expect(second.sample.alerts.map((a) => a.key)).toEqual(['process:1234:1523440']);
    expect(second.exitCode).toBe(1);
    // Back under the threshold: the counter is dropped, so the next excursion starts from 1 again.
    const under = await takeHealthSample(ctx(), { ...options, memoryAlertBytes: 1024 ** 3 });
    expect(under.exitCode).toBe(0);
    expect(JSON.parse(await readFile(path.join(dirs.log, '.vpt-health-state.json'), 'utf8')).counters).toEqual({});
  });

  it('a /proc it cannot read makes the sample UNKNOWN (exit 3), still logged', async () => {
    const result = await takeHealthSample(ctx({ procRoot: path.join(temp.dir, 'empty-proc') }), {
      logDir: dirs.log,
      memoryAlertBytes: 1024 ** 3,
      forSamples: 1,
    });
    expect(result.sample.status).toBe('UNKNOWN');
    expect(result.exitCode).toBe(3);
    expect(Object.keys(result.sample.unavailable)).toEqual(expect.arrayContaining(['memory', 'load']));
    expect(result.nagiosLine).toMatch(/^VPT HEALTH UNKNOWN - cannot read /);
    expect(await readFile(healthLogPath(dirs.log, NOW, 'log'), 'utf8')).toContain('Load: unknown | Mem: unknown');
  });

  it('a /tmp walk cut by its bound says so in the log, the JSON line and the metrics (issue 24: 141M, 15M, 12M)', async () => {
    for (let i = 0; i < HEALTH_WALK_LIMITS.maxEntries + 100; i++) await writeFile(path.join(dirs.tmp, `f${i}`), '');
    const prom = path.join(temp.dir, 'vpt.prom');
    const { sample, logText } = await takeHealthSample(ctx(), { logDir: dirs.log, memoryAlertBytes: 1024 ** 3, forSamples: 1, promFile: prom });
    expect(sample.tmp).toMatchObject({ complete: false, walk_stopped_at: expect.any(Number) });
    // Stopped by the entry bound, or earlier by the time bound on a loaded machine.
    expect(sample.tmp!.walk_stopped_at!).toBeGreaterThan(0);
    expect(sample.tmp!.walk_stopped_at!).toBeLessThanOrEqual(HEALTH_WALK_LIMITS.maxEntries);
    expect(logText).toMatch(new RegExp(`\\]   /tmp size: >= \\S+, walk stopped at ${sample.tmp!.walk_stopped_at} entries\\n`));
    expect(await readFile(prom, 'utf8')).toContain('vpt_tmp_walk_truncated 1\n');
  });

  it('--prom sums the processes that share a name and keeps their pids in vpt_process_info', () => {
    const text = renderMetrics(
      sampleMetrics({
        ...FLAT_SAMPLE,
        processes: [
          { name: 'capture_monitor.py', pattern: 'capture_monitor', pid: 10, startTicks: 1, startedAt: '2025-10-17T10:00:00.000Z', rssBytes: 100 },
          { name: 'capture_monitor.py', pattern: 'capture_monitor', pid: 11, startTicks: 2, startedAt: '2025-10-17T12:00:00.000Z', rssBytes: 50 },
          { name: 'app.py', pattern: 'app.py', pid: 12, startTicks: 3, rssBytes: undefined },
        ],
      }),
    );
    expect(text).toContain('vpt_process_resident_memory_bytes{name="capture_monitor.py"} 150\n');
    expect(text).not.toContain('vpt_process_resident_memory_bytes{name="app.py"}');
    expect(text).toContain(`vpt_process_start_time_seconds{name="capture_monitor.py"} ${Date.parse('2025-10-17T12:00:00Z') / 1000}\n`);
    expect(text).toMatch(
      /vpt_process_info\{name="capture_monitor.py",pid="10"\} 1\nvpt_process_info\{name="capture_monitor.py",pid="11"\} 1\nvpt_process_info\{name="app.py",pid="12"\} 1\n/,
    );
    assertExpositionFormat(text);
  });

  it('--prom writes valid Prometheus text atomically', async () => {
    const prom = path.join(temp.dir, 'vpt.prom');
    await takeHealthSample(ctx(), { logDir: dirs.log, memoryAlertBytes: 400 * 1024 ** 2, forSamples: 1, promFile: prom });
    const text = await readFile(prom, 'utf8');
    expect(text).toContain('vpt_process_resident_memory_bytes{name="capture_monitor.py"} 472109056\n');
    expect(text).toContain('vpt_process_info{name="capture_monitor.py",pid="1234"} 1\n');
    expect(text).toContain('vpt_tmp_walk_truncated 0\n');
    // node_exporter exports these (node_load*, node_memory_*, node_filesystem_*): not repeated.
    expect(text).not.toMatch(/^vpt_(load_average|cpus|memory_|swap_|filesystem_)/m);
    expect(text).toContain('# TYPE vpt_oom_kills_total counter\nvpt_oom_kills_total 3\n');
    expect(text).toContain('vpt_alerts{severity="warning"} 1\n');
    assertExpositionFormat(text);
    const promtool = await execa('promtool', ['check', 'metrics'], { input: text, reject: false }).catch(() => undefined);
    if (promtool && promtool.exitCode !== undefined && !/ENOENT/.test(String(promtool.stderr))) {
      expect(promtool.stderr + promtool.stdout).toBe('');
      expect(promtool.exitCode).toBe(0);
    }
  });
});

/** The exposition format's grammar, strictly: HELP then TYPE once per family, then only its samples. */
function assertExpositionFormat(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const seen = new Set<string>();
  let family = '';
  for (const line of text.trimEnd().split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$/.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    if (help) {
      expect(seen.has(help[1]!)).toBe(false);
      seen.add(help[1]!);
      family = help[1]!;
    } else if (type) {
      expect(type[1]).toBe(family);
    } else {
      const sample =
        /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/.exec(
          line,
        );
      expect(sample, line).not.toBeNull();
      expect(sample![1]).toBe(family);
    }
  }
}

describe('alert logic', () => {
  const alert = (key: string, severity: HealthAlert['severity'] = 'warning'): HealthAlert => ({ key, severity, message: key, short: key });

  it('debounce lets a condition through only after N consecutive samples; OOM kills never wait', () => {
    const one = debounce([alert('hot:capture1'), alert('oom', 'critical')], {}, 3);
    expect(one.fired.map((a) => a.key)).toEqual(['oom']);
    expect(one.pending).toEqual({ 'hot:capture1': 1 });
    const two = debounce([alert('hot:capture1')], one.counters, 3);
    expect(two.fired).toEqual([]);
    const three = debounce([alert('hot:capture1')], two.counters, 3);
    expect(three.fired.map((a) => a.key)).toEqual(['hot:capture1']);
    expect(debounce([], three.counters, 3).counters).toEqual({});
  });

  it('Nagios state: critical over warning over unknown over ok', () => {
    expect(nagiosState([alert('a'), alert('b', 'critical')], true)).toBe('CRITICAL');
    expect(nagiosState([alert('a')], true)).toBe('WARNING');
    expect(nagiosState([], true)).toBe('UNKNOWN');
    expect(nagiosState([], false)).toBe('OK');
  });

  it('OOM kills since the last sample survive a reboot (counter reset)', () => {
    expect(oomKillsSince(undefined, 5)).toBeUndefined();
    expect(oomKillsSince(3, 5)).toBe(2);
    expect(oomKillsSince(7, 1)).toBe(1);
  });

  it('label values are escaped', () => {
    const text = renderMetrics([{ name: 'x', help: 'h', type: 'gauge', samples: [{ labels: { name: 'a"b\\c\nd' }, value: 1 }] }]);
    expect(text).toBe('# HELP x h\n# TYPE x gauge\nx{name="a\\"b\\\\c\\nd"} 1\n');
    expect(sampleMetrics).toBeTypeOf('function');
  });
});

describe('health history', () => {
  it(`readSamplesSince keeps the window and at most maxSamples; torn lines are skipped`, async () => {
    await mkdir(dirs.log, { recursive: true });
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ time: new Date(NOW.getTime() - (50 - i) * 60_000).toISOString(), i }));
    await writeFile(healthLogPath(dirs.log, NOW, 'jsonl'), `${lines.join('\n')}\n{"time":"torn`);
    const hour = await readSamplesSince(dirs.log, NOW, 3_600_000);
    expect(hour).toHaveLength(50);
    const bounded = await readSamplesSince(dirs.log, NOW, 3_600_000, { tailBytes: 1 << 20, maxSamples: 20 });
    expect(bounded.map((s) => (s as unknown as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, k) => 30 + k));
    const tail = await readSamplesSince(dirs.log, NOW, 3_600_000, { tailBytes: 500, maxSamples: 2000 });
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.length).toBeLessThanOrEqual(Math.floor(500 / lines[0]!.length));
    const window = await readSamplesSince(dirs.log, NOW, 10 * 60_000);
    expect(window).toHaveLength(9); // (now - 10 min, now]: the sample exactly 10 min old is out
  });
});

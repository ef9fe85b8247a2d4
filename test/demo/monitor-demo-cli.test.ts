import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let tmp: string;
let cleanup: () => Promise<void>;
let monitor: MonitorProcess | undefined;
beforeEach(async () => ({ dir: tmp, cleanup } = await makeTempDir('vpt-demo-cli-')));
afterEach(async () => {
  if (monitor && monitor.child.exitCode === null) monitor.child.kill('SIGKILL');
  monitor = undefined;
  await cleanup();
});

/** The bound: `timeout 90 vpt monitor --demo`; the demo's script has all of it within its first minute. */
const DEMO_WAIT_MS = 85_000;

describe('vpt monitor --demo (binary, end to end)', () => {
  it('opens and resolves incidents, confirms the scripted zap, and leaves nothing in TMPDIR after Ctrl-C', async () => {
    monitor = startMonitor(['--demo'], { TMPDIR: tmp });
    const seen = (kind: string) => (e: Record<string, unknown>) => e.event === kind;
    const deadline = Date.now() + DEMO_WAIT_MS;
    const left = () => Math.max(1, deadline - Date.now());
    const opened = await monitor.waitForEvent(seen('incident_opened'), 'incident_opened', left());
    const resolved = await monitor.waitForEvent(
      (e) => e.event === 'incident_resolved' && e.incident_id === opened.incident_id && e.resolve_reason === 'cleared',
      'incident_resolved',
      left(),
    );
    // The demo's zap: black with a banner over a silent stretch (48-51 s of its script).
    const zap = await monitor.waitForEvent((e) => e.event === 'zap' && e.zapping_detected === true, 'a confirmed zap', left());
    expect(zap).toMatchObject({ device: 'capture1', banner_seen: true, audio_check: 'checked', continuous_audio: false });
    expect(zap.frame).toMatch(/^capture_\d{9}\.jpg$/);
    expect(resolved.device).toBe('capture1');
    expect(monitor.stderr.join('\n')).toMatch(/^demo: synthetic device capture1 at 5 fps in .*\/vpt-demo-\w+\/stream$/m);

    monitor.child.kill('SIGINT');
    const result = await monitor.child;
    expect(result.exitCode).toBe(0);
    // No vpt-<pid> folder, no demo root, no *_audio_check.ts / *_concat_list.txt.
    expect(await readdir(tmp)).toEqual([]);
    const times = monitor.events
      .filter((e) => e.event !== 'frame' && e.event !== 'memory')
      .map(
        (e) =>
          `${String(e.ts)} ${String(e.event)} ${String(e.type ?? (e.zapping_detected === true ? 'confirmed' : e.zapping_detected === false ? 'not confirmed' : ''))}`,
      );
    // Kept in the test log: what a newcomer sees, and when.
    console.log(times.join('\n'));
  }, 120_000);
});

import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/http/free-port.js';
import { writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { startMonitor } from '../helpers/live-monitor-process.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 21 item 3 on the real binary: a capture that stalls three times
 * with `[actions]` for capture_stalled (a real sh writing a marker file)
 * and for the memory alert. Dry run first, then SIGHUP turns it live; the
 * rate limit (2 runs, 1 s back-off) suppresses the third. Each outcome is in
 * `vpt incidents show`, /api/incidents and vpt_actions_total.
 */
let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-actions-e2e-')));
afterAll(async () => cleanup());

const config = (dryRun: boolean, marker: string) => `
[actions]
dry_run = ${dryRun}
max_runs = 2
backoff = "1s"

[actions.capture_stalled]
command = ["sh", "-c", "echo \\"restart $1 for incident $2\\" >> \\"$3\\"; echo restarted $1", "sh", "capture@%d", "%i", "${marker}"]
timeout = "10s"

[actions.memory_alert]
command = ["sh", "-c", "echo memory alert >> \\"$0\\"", "${marker}.memory"]
`;

type Event = Record<string, unknown>;

describe('[actions] (vpt monitor, real binary)', () => {
  it('dry run, then after SIGHUP a real run, then "suppressed by rate limit"; shown by incidents show, /api/incidents and the metrics', async () => {
    const stream = path.join(root, 'stream');
    const state = path.join(root, 'state');
    const device = path.join(stream, 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    await mkdir(state, { recursive: true });
    const marker = path.join(root, 'restarts.log');
    const file = path.join(root, 'vpt.toml');
    await writeFile(file, config(true, marker));
    const port = await freePort();
    const m = startMonitor(
      [
        '--stream-root', stream, '--state-dir', state, '--devices', 'capture1', '--no-audio', '--config', file,
        '--stall-after', '2s', '--incident-delay', '1s', '--min-event', '1s', '--listen', `127.0.0.1:${port}`, '--memory-alert', '1M', '--memory-log-interval', '1h',
      ], // prettier-ignore
      { TMPDIR: root },
    );
    try {
      const actions = () => m.events.filter((e) => e.event === 'action');
      const nthStall = async (n: number): Promise<Event> => {
        await m.waitForEvent(
          () => m.events.filter((e) => e.event === 'incident_opened' && e.type === 'capture_stalled').length >= n,
          `stall incident ${n}`,
          30_000,
        );
        await m.waitForEvent(() => actions().filter((e) => e.type === 'capture_stalled').length >= n, `action ${n}`, 30_000);
        return actions().filter((e) => e.type === 'capture_stalled')[n - 1]!;
      };
      let sequence = 0;
      const frameArrives = async () => {
        await writeFrameLikeFfmpeg(device, ++sequence, Date.now());
        await m.waitForEvent(
          () => m.events.filter((e) => e.event === 'incident_resolved' && e.type === 'capture_stalled').length >= sequence,
          'stall resolved',
          30_000,
        );
      };

      // The memory alert (1M is always exceeded) at start: its action runs, with no incident.
      const memory = await m.waitForEvent((e) => e.event === 'action' && e.type === 'memory_alert', 'the memory alert action');
      expect(memory).toMatchObject({ device: 'vpt-monitor', incident_id: null, result: 'dry_run' });

      // 1: no frame ever came: capture_stalled, dry run.
      const first = await nthStall(1);
      expect(first).toMatchObject({
        device: 'capture1',
        result: 'dry_run',
        exit_code: null,
        command: ['sh', '-c', expect.any(String), 'sh', 'capture@capture1', String(first.incident_id), marker],
      });
      await expect(readFile(marker, 'utf8')).rejects.toThrow(/ENOENT/);

      // SIGHUP: dry_run off. 2: the command really runs.
      await writeFile(file, config(false, marker));
      process.kill(m.pid, 'SIGHUP');
      await m.waitForStderr(/SIGHUP: reloaded .*actions updated/);
      await frameArrives();
      const second = await nthStall(2);
      expect(second).toMatchObject({ result: 'ok', exit_code: 0, output: 'restarted capture@capture1' });
      expect(await readFile(marker, 'utf8')).toBe(`restart capture@capture1 for incident ${second.incident_id}\n`);

      // 3: the third within the hour is over max_runs (2, the dry run counted): suppressed.
      await frameArrives();
      const third = await nthStall(3);
      expect(third).toMatchObject({ result: 'suppressed', output: 'suppressed by rate limit', exit_code: null });
      expect((await readFile(marker, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);

      // /api/incidents and the metrics, from the running monitor.
      const api = (await (await fetch(`http://127.0.0.1:${port}/api/incidents`)).json()) as { open: Event[]; resolved: Event[] };
      const byId = new Map([...api.open, ...api.resolved].map((i) => [i.id, i]));
      expect((byId.get(second.incident_id)!.actions as Event[])[0]).toMatchObject({ trigger: 'capture_stalled', result: 'ok', exit_code: 0 });
      expect((byId.get(third.incident_id)!.actions as Event[])[0]).toMatchObject({ result: 'suppressed', output: 'suppressed by rate limit' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^vpt_actions_total\{device="capture1",type="capture_stalled",result="dry_run"\} 1$/m);
      expect(metrics).toMatch(/^vpt_actions_total\{device="capture1",type="capture_stalled",result="ok"\} 1$/m);
      expect(metrics).toMatch(/^vpt_actions_total\{device="capture1",type="capture_stalled",result="suppressed"\} 1$/m);
      expect(metrics).toMatch(/^vpt_actions_total\{device="vpt-monitor",type="memory_alert",result="dry_run"\} 1$/m);

      m.child.kill('SIGTERM');
      expect((await m.child).exitCode).toBe(0);

      // vpt incidents show: the run with its exit code, duration and output; JSON the same.
      const shown = await runVpt(['incidents', 'show', String(second.incident_id), '--state-dir', state]);
      expect(shown.exitCode).toBe(0);
      expect(shown.stdout).toMatch(/action {7}.* sh -c .* capture@capture1 .*: ok, exit 0 in \d/);
      expect(shown.stdout).toMatch(/\| restarted capture@capture1/);
      const json = JSON.parse((await runVpt(['incidents', 'show', String(third.incident_id), '--state-dir', state, '--json'])).stdout) as { actions: Event[] };
      expect(json.actions).toEqual([expect.objectContaining({ trigger: 'capture_stalled', result: 'suppressed', output: 'suppressed by rate limit' })]);
    } finally {
      if (m.child.exitCode === null) m.child.kill('SIGKILL');
      await m.child;
    }
  }, 120_000);
});

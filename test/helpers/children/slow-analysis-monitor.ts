/**
 * `vpt monitor` as the command runs it (runLive: watcher, queue, status.json, /metrics, heartbeat, exit
 * summary), with an analysis throttled to ANALYSIS_DELAY_MS a frame: the scripted pipeline stands in
 * for the real one, so frames written faster than that back the queue up whatever the machine's speed.
 * Args: <stream-root> <state-dir> <port> <queue-limit>.
 */
import { runLive } from '../../../src/commands/monitor/live.js';
import { settingDefaults } from '../../../src/core/config/monitor-settings.js';
import { monitorConfigWithoutFile } from '../../../src/core/config/monitor-config.js';
import { runOptionsFrom, type MonitorOptions } from '../../../src/commands/monitor/options.js';
import { createUi } from '../../../src/ui.js';
import { scriptedPipeline } from '../scripted-pipeline.js';

/** Ten frames a second at most: a test writing a burst is faster by far, even on a loaded machine. */
const ANALYSIS_DELAY_MS = 100;

// vite-node's own SIGTERM handler would end the child before the monitor's stop and its summary.
process.removeAllListeners('SIGTERM');
const withSettings = (options: MonitorOptions) => runOptionsFrom(monitorConfigWithoutFile(options as unknown as Record<string, unknown>));
const [streamRoot, stateDir, port, queueLimit] = process.argv.slice(2);
const ui = createUi({ json: false });
process.stdout.write('ready\n');
process.exitCode = await runLive(
  withSettings({
    ...settingDefaults(),
    streamRoot: streamRoot!,
    stateDir: stateDir!,
    devices: ['capture1'],
    listen: `127.0.0.1:${port}`,
    heartbeat: 1_000,
    stallAfter: 600_000,
    queueLimit: Number(queueLimit),
    sweepInterval: 3_600_000,
    memoryLogInterval: 3_600_000,
    memoryAlert: 1024 ** 3,
    audio: false,
  }),
  ui,
  { createPipeline: () => scriptedPipeline({ delayMs: ANALYSIS_DELAY_MS }) },
);

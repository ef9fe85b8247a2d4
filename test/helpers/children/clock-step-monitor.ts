/**
 * `vpt monitor` as the command runs it (runLive), with a wall clock the test
 * can step: SIGUSR2 moves it one hour forward, as an NTP step or a resume
 * from suspend would, while the monotonic clock goes on. The scripted
 * analyzer stands in for the pipeline. Args: <stream-root> <state-dir>.
 */
import { runLive } from '../../../src/commands/monitor/live.js';
import { settingDefaults } from '../../../src/core/config/monitor-settings.js';
import { monitorConfigWithoutFile } from '../../../src/core/config/monitor-config.js';
import { runOptionsFrom, type MonitorOptions } from '../../../src/commands/monitor/options.js';

const withSettings = (options: MonitorOptions) => runOptionsFrom(monitorConfigWithoutFile(options as unknown as Record<string, unknown>));
import { createUi } from '../../../src/ui.js';
import { scriptedPipeline } from '../scripted-pipeline.js';

process.removeAllListeners('SIGTERM');
const [streamRoot, stateDir] = process.argv.slice(2);
let offsetMs = 0;
process.on('SIGUSR2', () => {
  offsetMs += 3_600_000;
  process.stdout.write(`${JSON.stringify({ event: 'test_clock_stepped', offset_ms: offsetMs })}\n`);
});
const ui = createUi({ json: true });
process.stdout.write('ready\n');
process.exitCode = await runLive(
  withSettings({
    ...settingDefaults(),
    streamRoot: streamRoot!,
    stateDir: stateDir!,
    devices: ['capture1'],
    incidentDelay: 1_000,
    stallAfter: 3_000,
    queueLimit: 150,
    sweepInterval: 3_600_000,
    memoryLogInterval: 3_600_000,
    memoryAlert: 1024 ** 3,
    audio: false,
  }),
  ui,
  { createPipeline: () => scriptedPipeline(), clock: { now: () => Date.now() + offsetMs, monotonic: () => performance.now() } },
);

/**
 * `vpt monitor` as the command runs it (runLive: lock, state dir, outbox,
 * webhook sender, signals), with the scripted stand-in analyzer, for the
 * webhook end-to-end test. Args: <stream-root> <state-dir> <webhook-url>.
 */
import { runLive } from '../../../src/commands/monitor/live.js';
import { settingDefaults } from '../../../src/core/config/monitor-settings.js';
import { monitorConfigWithoutFile } from '../../../src/core/config/monitor-config.js';
import { runOptionsFrom, type MonitorOptions } from '../../../src/commands/monitor/options.js';

const withSettings = (options: MonitorOptions) => runOptionsFrom(monitorConfigWithoutFile(options as unknown as Record<string, unknown>));
import { createUi } from '../../../src/ui.js';
import { scriptedPipeline } from '../scripted-pipeline.js';

// vite-node's own server listens for SIGTERM and exits 143 at once; the monitor's handling is what is under test.
process.removeAllListeners('SIGTERM');
const [streamRoot, stateDir, webhook] = process.argv.slice(2);
const ui = createUi({ json: true, verbose: true });
process.stdout.write('ready\n');
const code = await runLive(
  withSettings({
    ...settingDefaults(),
    streamRoot: streamRoot!,
    stateDir: stateDir!,
    devices: ['capture1'],
    webhook,
    incidentDelay: 1_000,
    queueLimit: 150,
    sweepInterval: 3_600_000,
    memoryLogInterval: 3_600_000,
    memoryAlert: 1024 ** 3,
  }),
  ui,
  { createPipeline: () => scriptedPipeline() },
);
process.exitCode = code;

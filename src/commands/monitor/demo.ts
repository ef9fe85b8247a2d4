import { rmSync } from 'node:fs';
import path from 'node:path';
import { DEMO_FPS, DEMO_INCIDENT_DELAY_MS, DEMO_MIN_EVENT_MS } from '../../core/demo/demo-script.js';
import { formatDuration } from '../../core/units.js';
import type { Ui } from '../../ui.js';
import { DEFAULT_HEARTBEAT_MS } from '../../core/config/monitor-settings.js';
import { runOptionsFrom, type MonitorOptions } from './options.js';

/** `--demo`'s heartbeat: the service's 5 min would never show in a demo. */
const DEMO_HEARTBEAT_MS = 10_000;

/**
 * `vpt monitor --demo`: a synthetic device in a temporary stream root,
 * monitored live with a short incident delay, until Ctrl-C. Its state (lock,
 * incidents.db) lives in the same temp folder, so a demo never touches the
 * service's database or lock; all of it is removed on exit.
 */
export async function runDemo(options: MonitorOptions, ui: Ui): Promise<number> {
  const [{ runLive }, { DemoDevice }, { monitorConfigWithoutFile }] = await Promise.all([
    import('./live.js'),
    import('../../core/demo/demo-device.js'),
    import('../../core/config/monitor-config.js'),
  ]);
  const log = ui.logger;
  // The page first: a newcomer opens it and watches the incidents happen.
  const listen = options.listen ?? `127.0.0.1:${await (await import('../../core/http/free-port.js')).freePort()}`;
  if (listen !== 'off') log.info(`demo: watch it in a browser: http://${listen}/`);
  const demo = await DemoDevice.create({ logger: log });
  const root = path.dirname(demo.streamRoot);
  // Last resort (an exception past the finally below): the temp root must not outlive us.
  const onExit = (): void => rmSync(root, { recursive: true, force: true });
  process.once('exit', onExit);
  try {
    log.info(`demo: synthetic device ${demo.device} at ${DEMO_FPS} fps in ${demo.streamRoot}`);
    log.info(
      `demo: one-minute script, repeating: ${demo.script.picture.map((e) => `${e.kind} ${e.startSec}-${e.endSec}s`).join(', ')}; ` +
        `silence ${demo.script.sound
          .filter((e) => e.kind === 'silence')
          .map((e) => `${e.startSec}-${e.endSec}s`)
          .join(', ')}`,
    );
    log.info(
      `demo: incidents open after ${formatDuration(DEMO_INCIDENT_DELAY_MS)} (--incident-delay), events under ${formatDuration(DEMO_MIN_EVENT_MS)} are ignored; Ctrl-C to stop`,
    );
    if (demo.audioUnavailable) log.warn(`demo: no audio segments, so no audio loss (${demo.audioUnavailable})`);
    demo.start();
    // The analysis sees the demo's scale too (events from 3 s, 5 fps), not the service defaults.
    const demoOptions: MonitorOptions = {
      ...options,
      streamRoot: demo.streamRoot,
      devices: [demo.device],
      stateDir: path.join(root, 'state'),
      replace: false,
      listen,
      incidentDelay: DEMO_INCIDENT_DELAY_MS,
      minEvent: DEMO_MIN_EVENT_MS,
      fps: DEMO_FPS,
      // A demo lasts minutes: its heartbeat comes every 10 s unless --heartbeat says otherwise.
      heartbeat: options.heartbeat === DEFAULT_HEARTBEAT_MS ? DEMO_HEARTBEAT_MS : options.heartbeat,
    };
    // Built as live and --replay build theirs, from the demo's options (no file).
    return await runLive(runOptionsFrom(monitorConfigWithoutFile(demoOptions as unknown as Record<string, unknown>)), ui);
  } finally {
    await demo.stop();
    process.removeListener('exit', onExit);
  }
}

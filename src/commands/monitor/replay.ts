import type { ZapEvent } from '../../core/audio/zap-confirmer.js';
import { EXIT } from '../../core/errors.js';
import type { IncidentStore } from '../../core/incidents/incident-store.js';
import type { Incident } from '../../core/incidents/incident.js';
import { SCHEMA_VERSION } from '../../core/output/schema-versions.js';
import { snakeCaseKeys } from '../../core/output/snake-case-keys.js';
import type { Ui } from '../../ui.js';
import type { MonitorOptions, MonitorRunOptions } from './options.js';
import { printReplaySummary } from './replay-report.js';

/** Zap results kept for the --replay --json summary; beyond this they are only counted (a long capture zaps often). */
const REPLAY_ZAPS_KEPT = 1_000;

/** How often the progress spinner's text is refreshed. */
const PROGRESS_REFRESH_MS = 200;

/** 128 + SIGINT, as a shell reports a command stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

/**
 * `vpt monitor --replay`. With --state-dir (or VPT_STATE_DIR) the incidents
 * go into that state dir's incidents.db, under its lock, as a live monitor
 * there would write them; without, into a database in memory (reported in
 * the summary, stored nowhere), so a post-mortem on a farm host never mixes
 * past incidents into the running service's database.
 */
export async function runReplay(options: MonitorRunOptions, ui: Ui): Promise<number> {
  // sharp and SQLite are heavy: loaded only when frames are analysed.
  // Is ffmpeg there? Asked while the rest loads: the answer (~100 ms: execa's import, ffmpeg's start) used to hold the first frame.
  const [{ replay }, { ZapConfirmer }, { describeEvent }, checkAudio, storage] = await Promise.all([
    import('../../core/replay/replay.js'),
    import('../../core/audio/zap-confirmer.js'),
    import('../../core/live/monitor-events.js'),
    options.audio !== false && import('../../core/audio/ffmpeg-check.js').then(({ ffmpegPresent }) => ffmpegPresent(ui.logger)),
    openReplayStorage(options),
  ]);
  if (storage.stateDir) ui.logger.info(`incidents go to ${storage.stateDir}/incidents.db`);
  for (const i of storage.resolvedAtStart)
    ui.logger.info(`[${i.device}] incident #${i.id} (${i.type}) left open by a previous run: resolved (${i.resolveReason})`);
  // A terminal that reports 0 columns (a pty with no size: `script`, some CI runners) makes ora
  // count Infinity lines to clear and loop forever; no spinner there.
  const showProgress = ui.stderrIsTTY && !ui.json && !ui.quiet && (process.stderr.columns ?? 0) > 0;
  const spinner = showProgress ? (await import('ora')).default({ text: 'replay: listing frames', stream: process.stderr }).start() : undefined;
  const progress = new Map<string, { done: number; total: number }>();
  let lastRefresh = 0;
  // After Ctrl-C the replay's last frames finish in the background until exit: their lines would bury the summary.
  let interruptedByUser = false;
  const above = (log: () => void) => {
    if (interruptedByUser) return;
    spinner?.clear();
    log();
    spinner?.render();
  };
  const warn = (message: string) => above(() => ui.logger.warn(message));
  const info = (message: string) => above(() => ui.logger.info(message));
  const zapEvents: ZapEvent[] = [];
  let zapsNotKept = 0;
  const zaps = new ZapConfirmer({
    logger: ui.logger,
    onZap: (event) => {
      if (zapEvents.length < REPLAY_ZAPS_KEPT) zapEvents.push(event);
      else zapsNotKept++;
      const line = describeEvent(event);
      if (line && !ui.json) info(line);
    },
  });
  // Ctrl-C: the spinner is cleared and what was done so far is printed, marked interrupted.
  const eventsSoFar = new Map<string, number>();
  let onSigint: () => void = () => undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => (onSigint = () => resolve('interrupted')));
  process.once('SIGINT', onSigint);
  try {
    const finished = replay({
      checkAudio,
      zaps,
      logger: ui.logger,
      streamRoot: options.streamRoot,
      devices: options.devices,
      settings: options.settings,
      store: storage.store,
      incidentDelayMs: options.incidentDelay,
      onProgress: ({ device, done, total }) => {
        progress.set(device, { done, total });
        const now = performance.now();
        if (!spinner || now - lastRefresh < PROGRESS_REFRESH_MS) return;
        lastRefresh = now;
        spinner.text = `replay: ${[...progress].map(([d, p]) => `${d} ${p.done}/${p.total}`).join(', ')}`;
      },
      onWarning: warn,
      onInfo: info,
      onEvent: (event) => {
        const line = ui.verbose ? describeEvent(event) : undefined;
        if (line) above(() => ui.logger.debug(line));
      },
      onRecord: (record) => {
        if (record.kind === 'event_started') eventsSoFar.set(record.device, (eventsSoFar.get(record.device) ?? 0) + 1);
        if (ui.verbose) ui.logger.debug(`[${record.device}] ${record.kind}${'type' in record ? ` ${record.type}` : ''} at frame ${record.startSequence}`);
      },
    });
    const summary = await Promise.race([finished, interrupted]);
    if (summary === 'interrupted') {
      interruptedByUser = true;
      spinner?.stop();
      printInterrupted(progress, eventsSoFar, ui);
      return EXIT_INTERRUPTED;
    }
    await zaps.idle();
    spinner?.stop();
    const stateDir = storage.stateDir ?? null;
    if (ui.json) {
      const body = snakeCaseKeys({ ...summary, stateDir }) as object;
      const zapsNotListed = zapsNotKept > 0 ? { zaps_not_listed: zapsNotKept } : {};
      ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.replaySummary, ...body, zaps: zapEvents, ...zapsNotListed }, null, 2));
    } else if (!ui.quiet) printReplaySummary(summary, stateDir, ui);
    // Files the filesystem refused are output missing: partial, like a bad frame.
    const partial = summary.errors > 0 || summary.writesLost > 0 || summary.devices.length === 0 || summary.devices.some((d) => d.missing);
    return partial ? EXIT.warning : EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
    spinner?.stop();
    await zaps.close();
    storage.close();
  }
}

interface ReplayStorage {
  stateDir: string | undefined;
  store: IncidentStore;
  resolvedAtStart: Incident[];
  close(): void;
}

/** The state dir's lock and store, taken as the live monitor takes them; or a store in memory. */
async function openReplayStorage(options: MonitorOptions): Promise<ReplayStorage> {
  if (options.stateDir !== undefined) {
    const [{ resolveStateDir }, { openMonitorResources }, { checkStreamRoot, resolveDevices }] = await Promise.all([
      import('../../core/lifecycle/state-dir.js'),
      import('../../core/live/monitor-resources.js'),
      import('../../core/layout/stream-layout.js'),
    ]);
    // Bad input answers before the state dir is touched.
    await checkStreamRoot(options.streamRoot);
    const specs = await resolveDevices(options.streamRoot, options.devices);
    const { dir } = await resolveStateDir({ flag: options.stateDir });
    const resources = await openMonitorResources({ stateDir: dir, streamRoot: options.streamRoot, devices: specs.map((s) => s.name) });
    return { stateDir: dir, store: resources.store, resolvedAtStart: resources.resolvedAtStart, close: () => resources.close() };
  }
  const { IncidentStore } = await import('../../core/incidents/incident-store.js');
  const store = IncidentStore.open(':memory:');
  return { stateDir: undefined, store, resolvedAtStart: [], close: () => store.close() };
}

/** The partial summary of a replay stopped by Ctrl-C: frames done per device and the events seen so far. */
function printInterrupted(progress: Map<string, { done: number; total: number }>, events: Map<string, number>, ui: Ui): void {
  const devices = [...progress].map(([device, p]) => ({ device, frames_done: p.done, frames_total: p.total, events_started: events.get(device) ?? 0 }));
  if (ui.json) {
    ui.out(JSON.stringify({ schema_version: SCHEMA_VERSION.replaySummary, interrupted: true, devices }, null, 2));
    return;
  }
  ui.err('replay interrupted (Ctrl-C): partial summary');
  for (const d of devices) ui.err(`  ${d.device}: ${d.frames_done}/${d.frames_total} frames analysed, ${d.events_started} events started`);
  if (devices.length === 0) ui.err('  no frames analysed yet');
}

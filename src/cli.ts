import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './core/errors.js';
import { runToExit } from './exit.js';
import { formatSizeExact, formatTimeSpan, parseDuration, parseInteger, parseNumber, parseSize } from './core/units.js';
import { DEFAULT_SWEEP_INTERVAL_MS } from './core/cache/sweeper-registry.js';
import { DEFAULT_THRESHOLDS } from './core/detectors/thresholds.js';
import { MIN_EVENT_MS } from './core/events/event-tracker.js';
import { DEFAULT_INCIDENT_DELAY_MS } from './core/incidents/incident-delay.js';
import { DEFAULT_STREAM_ROOT } from './core/layout/stream-root.js';
import { DEFAULT_QUEUE_LIMIT } from './core/live/frame-queue.js';
import { DEFAULT_MEMORY_ALERT_BYTES, DEFAULT_MEMORY_LOG_INTERVAL_MS } from './core/memory/self-memory.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES } from './core/probes/types.js';
import type { GlobalFlags, Ui } from './ui.js';

/**
 * The one place that defines vpt's arguments. Each command's module is
 * imported only when that command runs, so `vpt tmp-clean` never loads sharp
 * or SQLite and `vpt --help` starts fast. Only main() ends the process.
 */

export type CommandName = 'monitor' | 'investigate' | 'journald-limits' | 'tmp-clean';

export interface CommandModule {
  run(options: Record<string, unknown>, ui: Ui): Promise<number>;
}

export type CommandLoader = (name: CommandName) => Promise<CommandModule>;

const loadCommand: CommandLoader = async (name) => {
  switch (name) {
    case 'monitor':
      return (await import('./commands/monitor.js')) as CommandModule;
    case 'investigate':
      return (await import('./commands/investigate.js')) as CommandModule;
    case 'journald-limits':
      return (await import('./commands/journald-limits.js')) as CommandModule;
    case 'tmp-clean':
      return (await import('./commands/tmp-clean.js')) as CommandModule;
  }
};

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const size = (flag: string) => (value: string) => parseSize(value, flag);
const duration = (flag: string) => (value: string) => parseDuration(value, flag);
const integer = (flag: string, min = 0, max?: number) => (value: string) => parseInteger(value, flag, min, max);
const number = (flag: string, min?: number, max?: number) => (value: string) => parseNumber(value, flag, min, max);
/** An option whose parsed default is shown in help as the operator would type it. */
function parsed<T>(flags: string, description: string, parse: (v: string) => T, value: T, shown: string): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').map((s) => s.trim()).filter(Boolean),
];
const repeat = (value: string, previous: string[] = []) => [...previous, value];

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export interface ProgramHooks {
  load?: CommandLoader;
  /** Receives the exit code of the command that ran. */
  onExit: (code: number) => void;
  createUi?: (flags: GlobalFlags) => Ui | Promise<Ui>;
}

export function buildProgram(hooks: ProgramHooks): Command {
  const load = hooks.load ?? loadCommand;
  // ui.js pulls in chalk: import it only when a command runs, so --help and --version stay fast.
  const makeUi = hooks.createUi ?? (async (flags: GlobalFlags) => (await import('./ui.js')).createUi(flags));
  const program = new Command('vpt')
    .description('Host toolkit for a video test farm: capture monitor, crash investigation, journal limits, temp cleanup.')
    .version(packageVersion(), '--version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .option('--json', 'machine-readable output on stdout')
    .option('-q, --quiet', 'only warnings and errors (cron-friendly)')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .option('--no-color', 'no ANSI colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride();

  const action = (name: CommandName) => async (_opts: unknown, cmd: Command) => {
    const options = cmd.optsWithGlobals();
    const ui = await makeUi(options as GlobalFlags);
    const module = await load(name);
    hooks.onExit(await module.run(options, ui));
  };

  program
    .command('monitor')
    .summary('watch capture folders: blackscreen, freeze, zapping, audio loss -> incidents')
    .description(
      'Watch the frames ffmpeg writes for each capture device, detect blackscreen, freeze, zapping and ' +
        'audio loss, and open and resolve incidents (SQLite, optional webhook). Memory stays bounded.',
    )
    .option('--devices <list>', 'comma-separated device folders (default: active_captures.conf, else every capture*)', list)
    .addOption(
      new Option('--stream-root <dir>', 'folder holding the device folders').env('VPT_STREAM_ROOT').default(DEFAULT_STREAM_ROOT),
    )
    .addOption(new Option('--state-dir <dir>', 'where incidents.db and the lock live (default /var/lib/vpt, else ~/.local/state/vpt)').env('VPT_STATE_DIR'))
    .option('--fps <n>', 'frames per second of the captures (default 5, VNC devices 2)', integer('--fps', 1, 240))
    .option('--replay', 'analyse the frames already on disk, print a summary and exit')
    .option('--demo', 'run a synthetic device in a temp folder and monitor it live (Ctrl-C to stop)')
    .option('--no-audio', 'do not analyse audio')
    .option('--macroblocks', 'also detect macroblocking (slower)')
    .addOption(parsed('--incident-delay <time>', 'an event lasting this long opens an incident', duration('--incident-delay'), DEFAULT_INCIDENT_DELAY_MS, formatTimeSpan(DEFAULT_INCIDENT_DELAY_MS)))
    .addOption(parsed('--min-event <time>', 'events shorter than this are ignored', duration('--min-event'), MIN_EVENT_MS, formatTimeSpan(MIN_EVENT_MS)))
    .option('--queue-limit <n>', 'frames waiting per device before the oldest are dropped', integer('--queue-limit', 1), DEFAULT_QUEUE_LIMIT)
    .addOption(parsed('--sweep-interval <time>', 'how often cache sweepers run', duration('--sweep-interval'), DEFAULT_SWEEP_INTERVAL_MS, formatTimeSpan(DEFAULT_SWEEP_INTERVAL_MS)))
    .addOption(parsed('--memory-log-interval <time>', 'how often the monitor logs its own RSS', duration('--memory-log-interval'), DEFAULT_MEMORY_LOG_INTERVAL_MS, formatTimeSpan(DEFAULT_MEMORY_LOG_INTERVAL_MS)))
    .addOption(parsed('--memory-alert <size>', 'warn when the monitor RSS exceeds this', size('--memory-alert'), DEFAULT_MEMORY_ALERT_BYTES, formatSizeExact(DEFAULT_MEMORY_ALERT_BYTES)))
    .option('--webhook <url>', 'POST each opened/resolved incident as JSON to this URL')
    .option('--replace', 'stop a monitor already running on this state dir first')
    .option('--print-unit', 'print a systemd unit for the monitor and exit')
    .option('--black-threshold <percent>', 'blackscreen when more than this % of the region is dark', number('--black-threshold', 0, 100), DEFAULT_THRESHOLDS.blackPercent)
    .option('--dark-luma <n>', 'a pixel is dark at or below this luma (0-255)', integer('--dark-luma', 0, 255), DEFAULT_THRESHOLDS.darkLuma)
    .option('--freeze-threshold <percent>', 'a comparison is "same" when under this % of pixels differ', number('--freeze-threshold', 0, 100), DEFAULT_THRESHOLDS.freezeSamePercent)
    .option('--freeze-pixel-diff <n>', 'a pixel differs when |a-b| is above this', integer('--freeze-pixel-diff', 0, 255), DEFAULT_THRESHOLDS.freezePixelDiff)
    .addHelpText(
      'after',
      examples([
        'vpt monitor --demo                          # see incidents open and resolve within a minute',
        'vpt monitor --devices capture1,capture2     # the service (see --print-unit)',
        'vpt monitor --replay --stream-root ./copy   # post-mortem on copied captures',
        'vpt monitor --json --webhook http://alerts.local/vpt',
      ]),
    )
    .action(action('monitor'));

  program
    .command('investigate')
    .summary('crash investigation report, or one cheap health sample (--health)')
    .description(
      'Explain why a host struggled or crashed: memory, swap, load, tmpfs, OOM kills, journal, processes, ' +
        'ffmpeg logs and memory trends, with a ranked diagnosis. --health takes one cheap sample for a timer.',
    )
    .option('--health', 'take one health sample, append it to the health log, exit by the Nagios convention')
    .addOption(new Option('--log-dir <dir>', 'where reports and health logs go (default ~/crash_monitoring)').env('VPT_LOG_DIR'))
    .addOption(
      new Option('--stream-root <dir>', 'folder holding the capture*/hot tmpfs folders').env('VPT_STREAM_ROOT').default(DEFAULT_STREAM_ROOT),
    )
    .option('--processes <list>', 'process patterns to track (comma-separated)', list)
    .addOption(parsed('--memory-alert <size>', 'alert when a tracked process exceeds this RSS', size('--memory-alert'), DEFAULT_TRACKED_MEMORY_ALERT_BYTES, formatSizeExact(DEFAULT_TRACKED_MEMORY_ALERT_BYTES)))
    .option('--for <n>', 'alert only after N consecutive samples over a threshold', integer('--for', 1, 1000), 1)
    .option('--prom <file>', 'also write the sample as Prometheus text metrics (node_exporter textfile collector)')
    .option('--install', 'install health sampling every 30 s (systemd timer, or --cron)')
    .option('--uninstall', 'remove the installed health sampling')
    .option('--cron', 'with --install/--uninstall: use crontab lines instead of a systemd timer')
    .option('--dry-run', 'with --install/--uninstall: print what would be written')
    .option('--root <dir>', 'install under another root (image building, tests)')
    .addHelpText(
      'after',
      examples([
        'vpt investigate                              # full report, saved to ~/crash_monitoring',
        'vpt investigate --health --prom /var/lib/node_exporter/textfile/vpt.prom',
        'sudo vpt investigate --install               # sample every 30 s with a systemd timer',
        'vpt investigate --install --cron --dry-run   # show the crontab lines',
      ]),
    )
    .action(action('investigate'));

  program
    .command('journald-limits')
    .summary('check, or --apply, limits that keep the systemd journal bounded')
    .description(
      'Show the effective journald settings and usage against recommended limits (exit 0 compliant, ' +
        '1 not), or --apply them as the drop-in /etc/systemd/journald.conf.d/60-vpt-limits.conf.',
    )
    .option('--apply', 'write the drop-in and restart systemd-journald')
    .option('--dry-run', 'print the drop-in that --apply would write')
    .option('--root <dir>', 'operate on another root folder (image building, tests); implies --no-restart')
    .option('--persistent', 'also set Storage=persistent and create /var/log/journal')
    .option('--no-restart', 'do not restart systemd-journald after --apply')
    .option('--system-max-use <size>', 'SystemMaxUse', '500M')
    .option('--system-keep-free <size>', 'SystemKeepFree', '1G')
    .option('--system-max-file-size <size>', 'SystemMaxFileSize', '50M')
    .option('--system-max-files <n>', 'SystemMaxFiles', '10')
    .option('--runtime-max-use <size>', 'RuntimeMaxUse', '100M')
    .option('--max-retention-sec <time>', 'MaxRetentionSec', '1week')
    .option('--max-file-sec <time>', 'MaxFileSec', '1day')
    .option('--rate-limit-interval-sec <time>', 'RateLimitIntervalSec', '30s')
    .option('--rate-limit-burst <n>', 'RateLimitBurst', '10000')
    .addHelpText(
      'after',
      examples([
        'vpt journald-limits                          # check; exit 1 when not compliant',
        'sudo vpt journald-limits --apply',
        'sudo vpt journald-limits --apply --persistent --system-max-use 1G',
        'vpt journald-limits --apply --root ./image-root',
      ]),
    )
    .action(action('journald-limits'));

  program
    .command('tmp-clean')
    .summary('safely remove leftover audio-check and concat temp files (for cron)')
    .description(
      'Remove leftover temp files (*_audio_check.ts, *_concat_list.txt, vpt-<pid> folders of dead ' +
        'processes) older than --older-than from --dir. Never follows symlinks, never leaves --dir, ' +
        'skips files in use or locked and files of other users (unless root).',
    )
    .option('--dir <dir>', 'folder to clean (not recursive)', '/tmp')
    .option('--pattern <glob>', 'also remove files matching this pattern (repeatable)', repeat)
    .addOption(parsed('--older-than <time>', 'only files older than this (newest of mtime and ctime)', duration('--older-than'), 600_000, '10m'))
    .option('--dry-run', 'report what would be removed, remove nothing')
    .addHelpText(
      'after',
      examples([
        'vpt tmp-clean --dry-run',
        'vpt tmp-clean -q                             # from cron: silent unless it removed something',
        "vpt tmp-clean --dir /var/tmp --pattern '*.partial' --older-than 1h --json",
      ]),
    )
    .action(action('tmp-clean'));

  return program;
}

/** Entry point used by bin/vpt. With src/exit.ts, the only place that ends the process. */
export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.ok;
  const program = buildProgram({ onExit: (c) => (code = c) });
  await runToExit(argv, async () => {
    try {
      await program.parseAsync(argv);
    } catch (err) {
      // commander already printed help, the version, or its own one-line error.
      if (err instanceof CommanderError) return commanderExitCode(err);
      throw err;
    }
    return code;
  });
}

function commanderExitCode(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
    return EXIT.ok;
  }
  return EXIT.usage;
}

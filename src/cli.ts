import { Command, CommanderError, Option } from 'commander';
import { EXIT, UsageError } from './core/errors.js';
import { runToExit } from './exit.js';
import { fdWriter, mayBeTerminal } from './fd-output.js';
import { formatSizeExact, formatTimeSpan, parseDuration, parseInteger, parseNumber, parseSize } from './core/units.js';
import { DEFAULT_SWEEP_INTERVAL_MS } from './core/cache/sweeper-registry.js';
import { DEFAULT_THRESHOLDS } from './core/detectors/thresholds.js';
import { CLEAR_TIME_MS, MIN_EVENT_MS } from './core/events/event-tracker.js';
import { DEFAULT_FREEZE_RULE, MOTION_MIN_AREA } from './core/detectors/freeze-judge.js';
import { DEFAULT_STALL_AFTER_MS } from './core/live/stall-watch.js';
import { DEFAULT_HEARTBEAT_MS } from './commands/monitor/options.js';
import { DEFAULT_INCIDENT_DELAY_MS, DEFAULT_KEEP_INCIDENTS_MS } from './core/incidents/incident-delay.js';
import { DEFAULT_STREAM_ROOT } from './core/layout/stream-root.js';
import { vptVersion } from './core/status/vpt-version.js';
import { DEFAULT_QUEUE_LIMIT } from './core/live/frame-queue.js';
import { DEFAULT_MEMORY_ALERT_BYTES, DEFAULT_MEMORY_LOG_INTERVAL_MS } from './core/memory/self-memory.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES } from './core/probes/types.js';
import type { CompletionSpec } from './commands/completion/index.js';
import type { GlobalFlags, Ui } from './ui.js';

/**
 * The one place that defines vpt's arguments. Each command's module is
 * imported only when that command runs, so `vpt tmp-clean` never loads sharp
 * or SQLite and `vpt --help` starts fast. Only main() ends the process.
 */

export type CommandName = 'monitor' | 'investigate' | 'journald-limits' | 'tmp-clean' | 'incidents' | 'status';

export interface CommandModule {
  run(options: Record<string, unknown>, ui: Ui): Promise<number>;
}

export type CommandLoader = (name: CommandName) => Promise<CommandModule>;

const loadCommand: CommandLoader = async (name) => {
  switch (name) {
    case 'monitor':
      return (await import('./commands/monitor/index.js')) as CommandModule;
    case 'investigate':
      return (await import('./commands/investigate/index.js')) as CommandModule;
    case 'journald-limits':
      return (await import('./commands/journald-limits/index.js')) as CommandModule;
    case 'tmp-clean':
      return (await import('./commands/tmp-clean/index.js')) as CommandModule;
    case 'incidents':
      return (await import('./commands/incidents/index.js')) as CommandModule;
    case 'status':
      return (await import('./commands/status/index.js')) as CommandModule;
  }
};

const size = (flag: string) => (value: string) => parseSize(value, flag);
const duration = (flag: string) => (value: string) => parseDuration(value, flag);
const integer =
  (flag: string, min = 0, max?: number) =>
  (value: string) =>
    parseInteger(value, flag, min, max);
const number = (flag: string, min?: number, max?: number) => (value: string) => parseNumber(value, flag, min, max);
/** An option whose parsed default is shown in help as the operator would type it. */
function parsed<T>(flags: string, description: string, parse: (v: string) => T, value: T, shown: string): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
const repeat = (value: string, previous: string[] = []) => [...previous, value];
/** --devices: an empty list (`--devices ''`, `--devices ,`) would mean "every device": refused. */
const deviceList = (value: string, previous: string[] = []) => {
  const devices = list(value, previous);
  if (devices.length === 0)
    throw new UsageError(`--devices: "${value}" names no device; give folder names, e.g. --devices capture1,capture2 (leave the flag out for every device)`);
  return devices;
};

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export interface ProgramHooks {
  load?: CommandLoader;
  /** Receives the exit code of the command that ran. */
  onExit: (code: number) => void;
  createUi?: (flags: GlobalFlags) => Ui | Promise<Ui>;
}

/**
 * commander's help and its own errors go out with fs.writeSync (src/fd-output.ts), so `vpt --help`
 * never creates process.stdout (the stream modules, and net/tty for a pipe or a terminal). Only where
 * the output may be a terminal is the stream made, to ask its width, as commander itself would.
 */
const HELP_WIDTH = 80; // commander's own width where the output is no terminal
const COMMANDER_OUTPUT = {
  writeOut: fdWriter(1),
  writeErr: fdWriter(2),
  getOutHelpWidth: () => (mayBeTerminal(1) ? (process.stdout.columns ?? HELP_WIDTH) : HELP_WIDTH),
  getErrHelpWidth: () => (mayBeTerminal(2) ? (process.stderr.columns ?? HELP_WIDTH) : HELP_WIDTH),
  getOutHasColors: () => mayBeTerminal(1) && process.stdout.hasColors?.() === true,
  getErrHasColors: () => mayBeTerminal(2) && process.stderr.hasColors?.() === true,
};

export function buildProgram(hooks: ProgramHooks): Command {
  const load = hooks.load ?? loadCommand;
  // ui.js pulls in chalk: import it only when a command runs, so --help and --version stay fast.
  const makeUi = hooks.createUi ?? (async (flags: GlobalFlags) => (await import('./ui.js')).createUi(flags));
  const program = new Command('vpt')
    .description('Host toolkit for a video test farm: capture monitor, crash investigation, journal limits, temp cleanup.')
    .version(vptVersion(), '--version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .option('--json', 'machine-readable output on stdout')
    .option('-q, --quiet', 'only warnings and errors (cron-friendly)')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .option('--no-color', 'no ANSI colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput(COMMANDER_OUTPUT)
    .showSuggestionAfterError(true)
    .exitOverride();

  const action =
    (name: CommandName, withSources = false) =>
    async (_opts: unknown, cmd: Command) => {
      const options = cmd.optsWithGlobals();
      // The monitor's config file fills in only what the operator did not give: it needs to know which values were typed.
      if (withSources) options.explicitOptions = Object.keys(cmd.opts()).filter((k) => ['cli', 'env'].includes(cmd.getOptionValueSource(k) ?? ''));
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
    .option('--devices <list>', 'comma-separated device folders (default: active_captures.conf, else every capture*)', deviceList)
    .addOption(new Option('--stream-root <dir>', 'folder holding the device folders').env('VPT_STREAM_ROOT').default(DEFAULT_STREAM_ROOT))
    .addOption(new Option('--state-dir <dir>', 'where incidents.db and the lock live (default /var/lib/vpt, else ~/.local/state/vpt)').env('VPT_STATE_DIR'))
    .option('--fps <n>', 'frames per second of the captures (default 5, VNC devices 2)', integer('--fps', 1, 240))
    .option('--replay', 'analyse the frames already on disk, print a summary and exit')
    .option('--demo', 'run a synthetic device in a temp folder and monitor it live (Ctrl-C to stop)')
    .option('--no-audio', 'do not analyse audio')
    .option('--macroblocks', 'also detect macroblocking (slower)')
    .addOption(
      parsed(
        '--incident-delay <time>',
        'an event lasting this long opens an incident',
        duration('--incident-delay'),
        DEFAULT_INCIDENT_DELAY_MS,
        formatTimeSpan(DEFAULT_INCIDENT_DELAY_MS),
      ),
    )
    .addOption(parsed('--min-event <time>', 'events shorter than this are ignored', duration('--min-event'), MIN_EVENT_MS, formatTimeSpan(MIN_EVENT_MS)))
    .addOption(
      parsed(
        '--stall-after <time>',
        'no new frame (or audio segment) for this long: capture_stalled (segments_stalled)',
        duration('--stall-after'),
        DEFAULT_STALL_AFTER_MS,
        formatTimeSpan(DEFAULT_STALL_AFTER_MS),
      ),
    )
    .addOption(
      parsed(
        '--heartbeat <time>',
        'one status line per device this often (10s under --demo)',
        duration('--heartbeat'),
        DEFAULT_HEARTBEAT_MS,
        formatTimeSpan(DEFAULT_HEARTBEAT_MS),
      ),
    )
    .addOption(
      parsed(
        '--keep-incidents <time>',
        'incidents older than this are pruned by the sweeper',
        duration('--keep-incidents'),
        DEFAULT_KEEP_INCIDENTS_MS,
        formatTimeSpan(DEFAULT_KEEP_INCIDENTS_MS),
      ),
    )
    .option('--queue-limit <n>', 'frames waiting per device before the oldest are dropped', integer('--queue-limit', 1), DEFAULT_QUEUE_LIMIT)
    .addOption(
      parsed(
        '--sweep-interval <time>',
        'how often cache sweepers run',
        duration('--sweep-interval'),
        DEFAULT_SWEEP_INTERVAL_MS,
        formatTimeSpan(DEFAULT_SWEEP_INTERVAL_MS),
      ),
    )
    .addOption(
      parsed(
        '--memory-log-interval <time>',
        'how often the monitor logs its own RSS',
        duration('--memory-log-interval'),
        DEFAULT_MEMORY_LOG_INTERVAL_MS,
        formatTimeSpan(DEFAULT_MEMORY_LOG_INTERVAL_MS),
      ),
    )
    .addOption(
      parsed(
        '--memory-alert <size>',
        'warn when the monitor RSS exceeds this',
        size('--memory-alert'),
        DEFAULT_MEMORY_ALERT_BYTES,
        formatSizeExact(DEFAULT_MEMORY_ALERT_BYTES),
      ),
    )
    .addOption(new Option('--webhook <url>', 'POST each opened/resolved incident as JSON to this URL (user:password@ becomes Basic auth)').env('VPT_WEBHOOK'))
    .option('--listen <address:port>', 'serve the status page, /api and /metrics here; "off" for none (default 127.0.0.1:9842; --demo: a free port)')
    .option('--alertmanager <url>', 'post open incidents as alerts to this Alertmanager (its base URL), resolved when they end')
    .option('--public-url <url>', 'the status page as people open it: webhook and Alertmanager payloads link to each incident and its clip there')
    .option('--replace', 'stop a monitor already running on this state dir first')
    .option('--reset-incidents', 'move incidents.db aside (kept as incidents.db.aside-<time>) and start a new one')
    .option('--print-unit', 'print a systemd unit for the monitor and exit')
    .option(
      '--black-threshold <percent>',
      'blackscreen when more than this % of the region is dark',
      number('--black-threshold', 0, 100),
      DEFAULT_THRESHOLDS.blackPercent,
    )
    .option('--dark-luma <n>', 'a pixel is dark at or below this luma (0-255)', integer('--dark-luma', 0, 255), DEFAULT_THRESHOLDS.darkLuma)
    .option(
      '--freeze-threshold <percent>',
      'seed rule: a comparison is "same" when under this % of pixels differ',
      number('--freeze-threshold', 0, 100),
      DEFAULT_THRESHOLDS.freezeSamePercent,
    )
    .option(
      '--freeze-pixel-diff <n>',
      'a pixel differs when |a-b| is above this (the motion rule raises it above the noise floor)',
      integer('--freeze-pixel-diff', 0, 255),
      DEFAULT_THRESHOLDS.freezePixelDiff,
    )
    .addOption(
      new Option('--freeze-rule <rule>', 'motion: noise floor + minimum changed area; seed: the old 2% rule')
        .choices(['motion', 'seed'])
        .default(DEFAULT_FREEZE_RULE),
    )
    .option(
      '--motion-min-area <px>',
      'motion rule: two frames differ when this much area changed (capture pixels)',
      integer('--motion-min-area', 1, 1280 * 720),
      MOTION_MIN_AREA,
    )
    .addOption(
      parsed(
        '--clear-time <time>',
        'an event ends once the picture has been clear this long',
        duration('--clear-time'),
        CLEAR_TIME_MS,
        formatTimeSpan(CLEAR_TIME_MS),
      ),
    )
    .addOption(new Option('--config <file>', 'settings file (default /etc/vpt/vpt.toml when it exists); SIGHUP reloads it').env('VPT_CONFIG'))
    .option('--check-config', 'validate the settings file, print the effective settings per device and exit')
    .addHelpText(
      'after',
      examples([
        'vpt monitor --demo                          # see incidents open and resolve within a minute',
        'vpt monitor --devices capture1,capture2     # the service (see --print-unit)',
        'vpt monitor --replay --stream-root ./copy   # post-mortem on copied captures',
        'vpt monitor --json --webhook http://alerts.local/vpt',
        'vpt monitor --check-config --config ./vpt.toml  # validate a settings file before installing it',
      ]),
    )
    .action(action('monitor', true));

  program
    .command('incidents')
    .summary('list the incidents the monitor recorded, show one, or prune old ones')
    .description(
      'Read incidents.db (read-only; safe while the monitor runs, or on a copy with --state-dir). ' +
        'Default: open incidents and those of the last 24 h, newest first.',
    )
    .argument('[action]', 'list (default), show, prune')
    .argument('[id]', 'with show: the incident id')
    .option('--open', 'only open incidents')
    .option('--device <name>', 'only this device')
    .option('--type <type>', 'only this type (blackscreen, freeze, macroblocks, audio_loss, capture_stalled, segments_stalled)')
    .option('--since <when>', 'open at some time since: a span back (2h, 7d) or a date-time (2026-11-30T10:00)')
    .option('--until <when>', 'started at or before: same forms as --since')
    .option('--limit <n>', 'at most this many (newest first)', integer('--limit', 1), 100)
    .option('--csv', 'CSV export (RFC 4180) on stdout')
    .addOption(new Option('--older-than <time>', 'with prune: incidents resolved longer ago than this').argParser(duration('--older-than')))
    .addOption(new Option('--state-dir <dir>', "where incidents.db lives (default: the monitor's)").env('VPT_STATE_DIR'))
    .addHelpText(
      'after',
      examples([
        'vpt incidents                                # open ones and the last 24 h',
        'vpt incidents --open --device capture3',
        'vpt incidents --since 2026-11-30T10:00 --type capture_stalled --csv > stalls.csv',
        'vpt incidents show 12                        # timeline, evidence, webhook delivery',
        'vpt incidents prune --older-than 30d',
      ]),
    )
    .action(async (action: string | undefined, id: string | undefined, _opts: unknown, cmd: Command) => {
      const options = { ...cmd.optsWithGlobals(), action, id };
      const ui = await makeUi(options as GlobalFlags);
      hooks.onExit(await (await load('incidents')).run(options, ui));
    });

  program
    .command('status')
    .summary('what the running monitor is doing: devices, fps, stalls, open incidents (Nagios exit codes)')
    .description(
      "Read the monitor's status snapshot (<state-dir>/status.json, rewritten every 5 s) and its open incidents, " +
        'print one screen, and exit 0 ok, 1 an open incident or a device behind, 2 a stalled device or a hung or ' +
        'stopped monitor, 3 no snapshot.',
    )
    .addOption(new Option('--state-dir <dir>', "the monitor's state dir (default: as the monitor chooses it)").env('VPT_STATE_DIR'))
    .addHelpText('after', examples(['vpt status', 'vpt status --json', 'vpt status -q   # exit code only (monit, cron)']))
    .action(action('status'));

  program
    .command('investigate')
    .summary('crash investigation report, or one cheap health sample (--health)')
    .description(
      'Explain why a host struggled or crashed: memory, swap, load, tmpfs, OOM kills, journal, processes, ' +
        'ffmpeg logs and memory trends, with a ranked diagnosis. --health takes one cheap sample for a timer.',
    )
    .option('--health', 'take one health sample, append it to the health log, exit by the Nagios convention')
    .addOption(new Option('--log-dir <dir>', 'where reports and health logs go (default ~/crash_monitoring)').env('VPT_LOG_DIR'))
    .addOption(new Option('--stream-root <dir>', 'folder holding the capture*/hot tmpfs folders').env('VPT_STREAM_ROOT').default(DEFAULT_STREAM_ROOT))
    .option('--processes <list>', 'process patterns to track (comma-separated)', list)
    .addOption(
      parsed(
        '--memory-alert <size>',
        'alert when a tracked process exceeds this RSS',
        size('--memory-alert'),
        DEFAULT_TRACKED_MEMORY_ALERT_BYTES,
        formatSizeExact(DEFAULT_TRACKED_MEMORY_ALERT_BYTES),
      ),
    )
    .option('--for <n>', 'alert only after N consecutive samples over a threshold', integer('--for', 1, 1000), 1)
    .option('--prom <file>', 'also write the sample as Prometheus text metrics (node_exporter textfile collector)')
    .option('--cache-dirs <list>', "cache folders or globs whose growth --health follows (default: the tracked scripts' __pycache__)", list)
    .option('--install', 'install health sampling every 30 s (systemd timer, or --cron)')
    .option('--uninstall', 'remove the installed health sampling')
    .option('--cron', 'with --install/--uninstall: use crontab lines instead of a systemd timer')
    .option('--dry-run', 'with --install/--uninstall: print what would be written')
    .option('--root <dir>', 'install under another root (image building, tests)')
    .addHelpText(
      'after',
      examples([
        'vpt investigate                              # full report, saved to ~/crash_monitoring',
        'vpt investigate --health --prom /var/lib/node_exporter/textfile_collector/vpt.prom',
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

  program
    .command('completion')
    .summary('print a shell completion script: commands, flags, device names (bash, zsh, fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples([
        'vpt completion bash | sudo tee /etc/bash_completion.d/vpt',
        "echo 'source <(vpt completion zsh)' >> ~/.zshrc",
        'vpt completion fish > ~/.config/fish/completions/vpt.fish',
      ]),
    )
    .action(async (shell: string, _opts: unknown, cmd: Command) => {
      const ui = await makeUi(cmd.optsWithGlobals() as GlobalFlags);
      const { run } = await import('./commands/completion/index.js');
      hooks.onExit(await run(shell, completionSpec(program), ui));
    });

  return program;
}

/** The words a completion script offers, read from the program itself so they never drift from the flags. */
function completionSpec(program: Command): CompletionSpec {
  const flags = (cmd: Command) => cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
  return {
    commands: program.commands.map((c) => ({ name: c.name(), flags: flags(c) })),
    globalFlags: [...flags(program), '--help', '-h'],
    streamRootDefault: DEFAULT_STREAM_ROOT,
  };
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

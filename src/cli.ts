import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './core/errors.js';
import { runToExit } from './exit.js';
import { deviceList, monitorSettingOptions, splitList } from './monitor-flags.js';
import { fdWriter, mayBeTerminal } from './fd-output.js';
import { formatSizeExact, formatTimeSpan, parseDuration, parseInteger, parseSize } from './core/units.js';
import { DEFAULT_STREAM_ROOT } from './core/layout/stream-root.js';
import { vptVersion } from './core/lifecycle/vpt-version.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES } from './core/probes/types.js';
import { MAX_HISTORY_SAMPLES } from './core/investigate/health-history.js';
import { DEFAULT_TREND_RULES, MIN_TREND_SAMPLES } from './core/investigate/trend-rules.js';
import type { CompletionSpec } from './commands/completion/completion-spec.js';
import type { GlobalFlags, Ui } from './ui.js';

/**
 * The one place that defines vpt's arguments. Each command's module is
 * imported only when that command runs, so `vpt tmp-clean` never loads sharp
 * or SQLite and `vpt --help` starts fast. Only main() ends the process.
 */

export type CommandName = 'monitor' | 'investigate' | 'journald-limits' | 'tmp-clean' | 'incidents' | 'status' | 'setup';

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
    case 'setup':
      return (await import('./commands/setup/index.js')) as CommandModule;
  }
};

const size = (flag: string) => (value: string) => parseSize(value, flag);
const duration = (flag: string) => (value: string) => parseDuration(value, flag);
const integer =
  (flag: string, min = 0, max?: number) =>
  (value: string) =>
    parseInteger(value, flag, min, max);
/** An option whose parsed default is shown in help as the operator would type it. */
function parsed<T>(flags: string, description: string, parse: (v: string) => T, value: T, shown: string): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}
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

  const monitor = program
    .command('monitor')
    .summary('watch capture folders: blackscreen, freeze, zapping, audio loss -> incidents')
    .description(
      'Watch the frames ffmpeg writes for each capture device, detect blackscreen, freeze, zapping and ' +
        'audio loss, and open and resolve incidents (SQLite, optional webhook). Memory stays bounded.',
    );
  // The settings: one option per row of the table (core/config/monitor-settings.ts); then the modes.
  for (const option of monitorSettingOptions()) monitor.addOption(option);
  monitor
    .option('--replay', 'analyse the frames already on disk, print a summary and exit')
    .option('--demo', 'run a synthetic device in a temp folder and monitor it live (Ctrl-C to stop)')
    .option('--replace', 'stop a monitor already running on this state dir first')
    .option('--reset-incidents', 'move incidents.db aside (kept as incidents.db.aside-<time>) and start a new one')
    .option('--print-unit', 'print a systemd unit for the monitor and exit')
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
    .option('--processes <list>', 'process patterns to track (comma-separated)', splitList)
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
    .option(
      '--prom [file]',
      'also write the sample as Prometheus text metrics (node_exporter textfile collector; no file: vpt.prom in /var/lib/prometheus/node-exporter, else /var/lib/node_exporter/textfile_collector)',
    )
    .option('--cache-dirs <list>', "cache folders or globs whose growth --health follows (default: the tracked scripts' __pycache__)", splitList)
    .option('--install', 'install health sampling every 30 s (systemd timer, or --cron)')
    .option('--uninstall', 'remove the installed health sampling')
    .option('--cron', 'with --install/--uninstall: use crontab lines instead of a systemd timer')
    .option('--dry-run', 'with --install/--uninstall: print what would be written')
    .option('--root <dir>', 'install under another root (image building, tests)')
    .option('--proc-root <dir>', 'where /proc is mounted (a container with the host /proc elsewhere, test trees) (default: /proc)')
    .option(
      '--trend-min-span <time>',
      `judge a memory trend only over this span of samples (default: ${formatTimeSpan(DEFAULT_TREND_RULES.minSpanMs)})`,
      duration('--trend-min-span'),
    )
    .option(
      '--trend-min-samples <n>',
      `judge a memory trend only with this many samples (default: ${DEFAULT_TREND_RULES.minSamples})`,
      integer('--trend-min-samples', MIN_TREND_SAMPLES, MAX_HISTORY_SAMPLES),
    )
    .option(
      '--trend-warmup <time>',
      `leave out the samples of a process's first minutes (default: ${formatTimeSpan(DEFAULT_TREND_RULES.warmupMs)})`,
      duration('--trend-warmup'),
    )
    .addHelpText(
      'after',
      examples([
        'vpt investigate                              # full report, saved to ~/crash_monitoring',
        'vpt investigate --health --prom /var/lib/prometheus/node-exporter/vpt.prom',
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

  // vpt setup: the service, the timers, the journald drop-in and the folders in one run (issue 25).
  // Its journald limits are journald-limits' own defaults, read from that command's options.
  const journaldLimits = program.commands.find((c) => c.name() === 'journald-limits')!.opts();
  program
    .command('setup')
    .summary('install the monitor service, the health and tmp-clean timers, the journald limits and the folders')
    .option('--devices <list>', 'the devices the service watches (default: those found under --stream-root, else found at each start)', deviceList)
    .option('--stream-root <dir>', `folder holding the capture*/ device folders (default: "${DEFAULT_STREAM_ROOT}")`)
    .option('--prom <file>', "the health sample's metrics file (default: vpt.prom in node_exporter's textfile folder, when there is one)")
    .option('--cron', 'timers as /etc/cron.d files, no service (the default where systemd is not running)')
    .option('--dry-run', 'print every file and command, change nothing')
    .option('--root <dir>', 'stage into this tree (image building, review); runs no systemctl')
    .option('--uninstall', 'remove what vpt setup installed (its manifest), and nothing else')
    .addHelpText(
      'after',
      examples([
        'sudo vpt setup                               # a second run changes nothing and says so',
        'vpt setup --dry-run --devices capture1,capture2',
        'vpt setup --root ./image-root                # then: systemctl --root ./image-root enable ...',
        'sudo vpt setup --uninstall',
      ]),
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const options = { ...cmd.optsWithGlobals(), journaldLimits };
      const ui = await makeUi(options as GlobalFlags);
      hooks.onExit(await (await load('setup')).run(options, ui));
    });

  program
    .command('completion')
    .summary('print a shell completion script: commands, flags, device names (bash, zsh, fish)')
    .argument('[shell]', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples([
        'vpt completion bash | sudo tee /etc/bash_completion.d/vpt',
        "echo 'source <(vpt completion zsh)' >> ~/.zshrc",
        'vpt completion fish > ~/.config/fish/completions/vpt.fish',
      ]),
    )
    .action(async (shell: string | undefined, _opts: unknown, cmd: Command) => {
      const ui = await makeUi(cmd.optsWithGlobals() as GlobalFlags);
      const { run } = await import('./commands/completion/index.js');
      const { withCommandWords } = await import('./commands/completion/completion-spec.js');
      hooks.onExit(await run(shell, withCommandWords(completionSpec(program)), ui));
    });

  return program;
}

/** The words a completion script offers, read from the program itself so they never drift from the flags. */
function completionSpec(program: Command): Omit<CompletionSpec, 'flagValues'> {
  const names = (options: readonly Option[]) => options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
  const flags = (cmd: Command) => names(cmd.options);
  return {
    commands: program.commands.map((c) => ({ name: c.name(), flags: flags(c) })),
    globalFlags: [...flags(program), '--help', '-h'],
    valueFlags: [...new Set(program.commands.flatMap((c) => names(c.options.filter((o) => o.required || o.optional))))],
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

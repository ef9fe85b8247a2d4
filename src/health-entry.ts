import { parseArgs } from 'node:util';
import { runHealth, type HealthUi } from './commands/investigate/health.js';
import { normaliseOptions } from './commands/investigate/options.js';
import { createLogger, withPriority } from './core/logger.js';
import { isJournalStream } from './core/journald/journal-stream.js';
import { runToExit } from './exit.js';
import { fdWriter } from './fd-output.js';
import { DEFAULT_STREAM_ROOT } from './core/layout/stream-root.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES } from './core/probes/types.js';
import { parseInteger, parseSize } from './core/units.js';

/**
 * `vpt investigate --health` is what a timer runs every 30 s on every host, so it skips commander
 * and the full CLI (about 30 ms of each sample here): the health flags are read with node's own
 * parseArgs and handed to the same command module with the same option names. Anything else
 * (another flag, --help, a value that does not parse) goes to the full CLI in src/cli.ts, so usage
 * errors and help keep one wording. test/cli/health-fast-path.test.ts checks that both parsers give
 * the command the same options.
 */

const HEALTH_FLAGS = {
  health: { type: 'boolean' },
  'log-dir': { type: 'string' },
  'stream-root': { type: 'string' },
  processes: { type: 'string', multiple: true },
  'memory-alert': { type: 'string' },
  for: { type: 'string' },
  prom: { type: 'string' },
  'cache-dirs': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
} as const;

/**
 * The options commander would give `investigate` for these arguments (everything after `vpt`), or
 * undefined when they are not a plain health sample.
 */
export function healthFastOptions(args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  if (args[0] !== 'investigate') return undefined;
  let values;
  try {
    ({ values } = parseArgs({ args: args.slice(1), options: HEALTH_FLAGS, strict: true, allowPositionals: false }));
  } catch {
    return undefined;
  }
  if (values.health !== true) return undefined;
  try {
    return {
      health: true,
      logDir: values['log-dir'] ?? env.VPT_LOG_DIR,
      streamRoot: values['stream-root'] ?? env.VPT_STREAM_ROOT ?? DEFAULT_STREAM_ROOT,
      processes: values.processes?.flatMap((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
      memoryAlert: values['memory-alert'] === undefined ? DEFAULT_TRACKED_MEMORY_ALERT_BYTES : parseSize(values['memory-alert'], '--memory-alert'),
      for: values.for === undefined ? 1 : parseInteger(values.for, '--for', 1, 1000),
      prom: values.prom,
      cacheDirs: values['cache-dirs']?.flatMap((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
      json: values.json,
      quiet: values.quiet,
      verbose: values.verbose,
      color: values['no-color'] !== true,
    };
  } catch {
    return undefined;
  }
}

/**
 * Entry point used by bin/vpt for `vpt investigate ... --health ...`. `npm run build` bundles this
 * file and everything it imports into dist/health.cjs (scripts/bundle.mjs): one file to read and
 * compile instead of ~40, which is most of what a sample costs above Node's own start-up. The full
 * CLI stays outside the bundle: bin/vpt hands it in as `fullCli`, run for arguments the fast path
 * does not take.
 */
export async function main(argv: string[], fullCli: (argv: string[]) => Promise<void>): Promise<void> {
  const options = healthFastOptions(argv.slice(2), process.env);
  if (!options) return fullCli(argv);
  await runToExit(argv, async () => runHealth(normaliseOptions(options), healthUi(options)), { exitAtOnce: true });
}

/** The health sample's Ui: the same quiet/verbose rules as createUi (src/ui.ts), without colour. */
function healthUi(flags: { json?: unknown; quiet?: unknown; verbose?: unknown }): HealthUi {
  const quiet = flags.quiet === true;
  const verbose = flags.verbose === true && !quiet;
  const out = fdWriter(1);
  const err = fdWriter(2);
  const journal = isJournalStream(process.env, 2);
  return {
    json: flags.json === true,
    quiet,
    verbose,
    out: (text) => out(`${text}\n`),
    err: (text, level = 'warn') => err(journal ? withPriority(level, `${text}\n`) : `${text}\n`),
    logger: createLogger({ level: quiet ? 'warn' : verbose ? 'debug' : 'info', write: err, journal }),
  };
}

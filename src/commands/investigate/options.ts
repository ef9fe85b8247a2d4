import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { createProbeContext } from '../../core/probes/context.js';
import type { ProbeContext } from '../../core/probes/types.js';
import { DEFAULT_TRACKED_MEMORY_ALERT_BYTES, DEFAULT_TRACKED_PATTERNS } from '../../core/probes/types.js';
import { DEFAULT_STREAM_ROOT } from '../../core/layout/stream-root.js';
import { DEFAULT_TREND_RULES, type TrendRules } from '../../core/investigate/trend-rules.js';
import { escapeOutside } from '../../core/text/escape-outside.js';
import { defaultPromFile } from '../../core/metrics/textfile-dir.js';
import type { Ui } from '../../ui.js';

/**
 * `vpt investigate`'s options, checked once for all three modes (report, --health, --install). Its
 * own module so the health entry, the report and the installer import it without importing the
 * dispatcher in investigate.ts that lazily imports them.
 */

export interface InvestigateOptions {
  health: boolean;
  logDir: string;
  streamRoot: string;
  patterns: string[];
  /** Whether --processes was given (installed units repeat it). */
  patternsGiven: boolean;
  memoryAlertBytes: number;
  forSamples: number;
  promFile: string | undefined;
  /** --cache-dirs: folders or globs whose size the health sample follows; undefined = the tracked scripts' __pycache__. */
  cacheDirs: string[] | undefined;
  install: boolean;
  uninstall: boolean;
  cron: boolean;
  dryRun: boolean;
  root: string | undefined;
  /** Where /proc is read (--proc-root, like node_exporter's --path.procfs: a container, a test tree). */
  procRoot: string;
  /** --trend-min-span, --trend-min-samples, --trend-warmup: when the report judges a memory trend. */
  trendRules: TrendRules;
}

const TREND_FLAGS = [
  ['--trend-min-span', 'trendMinSpan'],
  ['--trend-min-samples', 'trendMinSamples'],
  ['--trend-warmup', 'trendWarmup'],
] as const;

function trendRules(options: Record<string, unknown>): TrendRules {
  const d = DEFAULT_TREND_RULES;
  const rules: TrendRules = {
    windowMs: d.windowMs,
    minSpanMs: Number(options.trendMinSpan ?? d.minSpanMs),
    minSamples: Number(options.trendMinSamples ?? d.minSamples),
    warmupMs: Number(options.trendWarmup ?? d.warmupMs),
  };
  // A span the window cannot hold would never judge anything, silently.
  if (rules.minSpanMs + rules.warmupMs > rules.windowMs)
    throw new UsageError(
      `--trend-min-span plus --trend-warmup must fit in the ${rules.windowMs / 3_600_000} h of samples the report reads; e.g. --trend-min-span 30m --trend-warmup 10m`,
    );
  return rules;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function pathOption(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (text === '' || CONTROL_CHARS.test(text)) throw new UsageError(`${flag}: "${escapeOutside(text)}" is not a usable path`);
  return path.resolve(text);
}

export function normaliseOptions(options: Record<string, unknown>): InvestigateOptions {
  const given = options.processes as string[] | undefined;
  if (given !== undefined && given.length === 0) throw new UsageError('--processes: give at least one pattern, e.g. --processes capture_monitor,app.py');
  for (const pattern of given ?? []) {
    if (CONTROL_CHARS.test(pattern)) throw new UsageError(`--processes: "${escapeOutside(pattern)}" contains control characters`);
  }
  const cacheDirs = options.cacheDirs as string[] | undefined;
  if (cacheDirs !== undefined && cacheDirs.length === 0)
    throw new UsageError("--cache-dirs: give at least one folder or glob, e.g. --cache-dirs '/opt/farm/**/__pycache__'");
  const opts: InvestigateOptions = {
    health: options.health === true,
    logDir: pathOption(options.logDir, '--log-dir') ?? path.join(homedir(), 'crash_monitoring'),
    streamRoot: pathOption(options.streamRoot ?? DEFAULT_STREAM_ROOT, '--stream-root')!,
    patterns: given ?? [...DEFAULT_TRACKED_PATTERNS],
    patternsGiven: given !== undefined,
    memoryAlertBytes: Number(options.memoryAlert ?? DEFAULT_TRACKED_MEMORY_ALERT_BYTES),
    forSamples: Number(options.for ?? 1),
    // `--prom` alone: node_exporter's folder that exists (in the --root tree when installing there).
    promFile: options.prom === true ? defaultPromFile(pathOption(options.root, '--root')) : pathOption(options.prom, '--prom'),
    cacheDirs: cacheDirs?.map((dir) => pathOption(dir, '--cache-dirs')!),
    install: options.install === true,
    uninstall: options.uninstall === true,
    cron: options.cron === true,
    dryRun: options.dryRun === true,
    root: pathOption(options.root, '--root'),
    procRoot: pathOption(options.procRoot, '--proc-root') ?? '/proc',
    trendRules: trendRules(options),
  };
  if (opts.install && opts.uninstall) throw new UsageError('--install and --uninstall exclude each other; pick one');
  const installing = opts.install || opts.uninstall;
  if (installing && opts.health) throw new UsageError('--health takes a sample; --install/--uninstall set up sampling: pick one');
  for (const [flag, set] of [
    ['--cron', opts.cron],
    ['--dry-run', opts.dryRun],
    ['--root', opts.root !== undefined],
  ] as const) {
    if (set && !installing) throw new UsageError(`${flag} only applies with --install or --uninstall`);
  }
  if (opts.promFile && !opts.health && !installing) throw new UsageError('--prom only applies with --health (or --install, to pass it on)');
  if (opts.cacheDirs && !opts.health && !installing) throw new UsageError('--cache-dirs only applies with --health (or --install, to pass it on)');
  for (const [flag, key] of TREND_FLAGS) {
    // No commander default: a value here was given.
    if (options[key] !== undefined && (opts.health || installing)) throw new UsageError(`${flag} only applies to the report (without --health or --install)`);
  }
  if (opts.memoryAlertBytes <= 0) throw new UsageError('--memory-alert: must be above 0, e.g. 1G');
  return opts;
}

export function probeContext(opts: InvestigateOptions, ui: Pick<Ui, 'logger'>): ProbeContext {
  return createProbeContext({ streamRoot: opts.streamRoot, trackedPatterns: opts.patterns, procRoot: opts.procRoot, logger: ui.logger });
}

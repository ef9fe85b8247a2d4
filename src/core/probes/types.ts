import type { Logger } from '../logger.js';
import type { RunOptions, RunResult } from '../process/process-runner.js';

/**
 * The one small interface every probe implements (the node_exporter
 * collector model): a name and `sample(ctx)`. A probe reads /proc, statfs,
 * files or one external command, and returns "unavailable: why" instead of
 * throwing when it cannot run. Unknown values are `undefined`, never 0.
 */

/** Runs one external program: runProgram in production, a stand-in for programs absent here (vcgencmd). */
export type CommandRunner = (program: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface ProbeContext {
  /** Where /proc is mounted (tests use test/fixtures/proc trees). */
  procRoot: string;
  /** Where /sys is mounted. */
  sysRoot: string;
  /** The root of the filesystem being inspected: /etc, /run, /var/log, /tmp are read below it. */
  rootfs: string;
  /** Folder holding the capture*\/hot folders. */
  streamRoot: string;
  /** Folder where temp leftovers and ffmpeg logs are looked for (/tmp). */
  tmpDir: string;
  /** Patterns naming the tracked processes. */
  trackedPatterns: readonly string[];
  /** Our own pid: never reported as a tracked process. */
  selfPid: number;
  now: () => Date;
  logger: Logger;
  run: CommandRunner;
}

export type ProbeResult<T> = { available: true; data: T } | { available: false; reason: string };

export interface Probe<T> {
  readonly name: string;
  sample(ctx: ProbeContext): Promise<ProbeResult<T>>;
}

export function available<T>(data: T): ProbeResult<T> {
  return { available: true, data };
}

export function unavailable<T = never>(reason: string): ProbeResult<T> {
  return { available: false, reason };
}

/** A tracked process over this RSS is an alert (`vpt investigate --memory-alert`). */
export const DEFAULT_TRACKED_MEMORY_ALERT_BYTES = 1024 ** 3;

/** The patterns tracked when --processes is not given (docs/design.md). */
export const DEFAULT_TRACKED_PATTERNS = ['capture_monitor', 'hot_cold_archiver', 'transcript_accumulator', 'app.py', 'vpt monitor'] as const;

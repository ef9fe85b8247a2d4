import type { Readable } from 'node:stream';
import { MissingProgramError, errnoCode } from '../errors.js';

/** Default cap on any external command: a hung `dmesg` or `ffmpeg` must not hang vpt. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Output beyond this is cut, so a chatty program cannot balloon our memory. */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface RunOptions {
  timeoutMs?: number;
  /** stdin: a string, or a stream for input too large to hold (an incident clip's frames, one at a time). */
  input?: string | Readable;
  cwd?: string;
  env?: Record<string, string | undefined>;
  maxBuffer?: number;
  /** Called with the child's pid as soon as it starts (for tests and for killing on shutdown). */
  onSpawn?: (pid: number | undefined) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Signal that ended the child, if any (`SIGTERM` after a timeout). */
  signal: string | undefined;
  durationMs: number;
}

/**
 * Run a program with an argument array (never a shell string), a timeout and
 * captured output. A non-zero exit is a result, not an exception: the caller
 * decides. A missing program throws MissingProgramError.
 */
export async function runProgram(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  // execa costs ~150 ms to import; load it only when a program actually runs,
  // so cheap paths (`investigate --health`, `--help`) never pay for it.
  const { execa } = await import('execa');
  const child = execa(program, args, {
    reject: false,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    input: options.input,
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    maxBuffer: options.maxBuffer ?? MAX_OUTPUT_BYTES,
    stripFinalNewline: false,
    forceKillAfterDelay: 2000,
    cancelSignal: options.signal,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
  options.onSpawn?.(child.pid);
  const result = await child;
  if (result.failed && !result.timedOut && result.exitCode === undefined && result.signal === undefined) {
    const code = errnoCode(result.cause);
    if (code === 'ENOENT') throw new MissingProgramError(program);
    if (code === 'EACCES') throw new MissingProgramError(program, 'it is not executable (permission denied)');
  }
  return {
    command: [program, ...args].join(' '),
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: result.timedOut === true,
    signal: result.signal ?? undefined,
    durationMs: performance.now() - started,
  };
}

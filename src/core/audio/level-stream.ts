import type { Readable, Writable } from 'node:stream';
import { MissingProgramError, errnoCode } from '../errors.js';
import { LEVEL_WINDOW_MS } from './level-history.js';
import { LevelParser, type LevelWindow } from './level-parser.js';

/** Samples per second the levels are measured at: plenty for an RMS level, and a third of the work of 48 kHz. */
export const LEVEL_SAMPLE_RATE = 16_000;
/** A stdout line longer than this is not ffmpeg's metadata: it is dropped, so a broken pipe cannot grow a buffer. */
export const MAX_LEVEL_LINE_BYTES = 1024;
/** The last stderr bytes kept, to say why ffmpeg stopped. */
export const STDERR_TAIL_BYTES = 4096;
/**
 * How much of the input ffmpeg reads before it starts decoding: the default
 * (5 MB or 5 s) would hold the first levels back by several segments. One
 * 1 s segment of a 720p capture is 100-400 KB, and the audio stream's
 * parameters are in its first packets.
 */
const PROBE_BYTES = 262_144;
const ANALYZE_DURATION_US = 1_000_000;

/** ffmpeg's filter graph: fixed rate, windows of LEVEL_WINDOW_MS, RMS per channel, printed as metadata on stdout. */
export function levelFilter(): string {
  const samples = (LEVEL_SAMPLE_RATE * LEVEL_WINDOW_MS) / 1000;
  return [
    `aresample=${LEVEL_SAMPLE_RATE}`,
    `asetnsamples=n=${samples}:p=0`,
    'astats=metadata=1:reset=1:measure_perchannel=RMS_level:measure_overall=none',
    // direct: no output buffer, so each window reaches us as it is measured (buffered, they came only at the end of the input).
    'ametadata=mode=print:file=-:direct=1',
  ].join(',');
}

export function levelStreamArgs(): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-probesize',
    String(PROBE_BYTES),
    '-analyzeduration',
    String(ANALYZE_DURATION_US),
    '-f',
    'mpegts',
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-af',
    levelFilter(),
    '-f',
    'null',
    '-',
  ];
}

/** How a level stream ended. */
export interface LevelStreamEnd {
  /** The input had no audio stream (ffmpeg: "matches no streams"): not silence. */
  noAudioStream: boolean;
  /** ffmpeg's exit code (undefined: killed by a signal or never started). */
  exitCode: number | undefined;
  /** ffmpeg's last stderr line, when it said anything. */
  reason: string | undefined;
}

export interface LevelStreamOptions {
  onWindow: (window: LevelWindow) => void;
  onEnd: (end: LevelStreamEnd) => void;
  ffmpeg?: string;
}

/**
 * One long-lived ffmpeg: MPEG-TS bytes in on stdin (segments one after the
 * other: the format concatenates byte for byte), one RMS level per
 * LEVEL_WINDOW_MS window out on stdout. The caller feeds it with
 * backpressure (write resolves once the pipe took the bytes) and ends or
 * kills it. Memory: one partial stdout line (MAX_LEVEL_LINE_BYTES) and the
 * stderr tail (STDERR_TAIL_BYTES); the pipes' own buffers are the kernel's.
 */
export class LevelStream {
  private stdin: Writable | undefined;
  private kill: (() => void) | undefined;
  private readonly parser = new LevelParser();
  private stderrTail = '';
  private ended = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  private constructor(private readonly options: LevelStreamOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts ffmpeg; a missing ffmpeg throws MissingProgramError. */
  static async start(options: LevelStreamOptions): Promise<LevelStream> {
    const stream = new LevelStream(options);
    await stream.spawn();
    return stream;
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Resolves once the pipe took the bytes; false when ffmpeg is gone (the bytes are lost). */
  async write(bytes: Buffer): Promise<boolean> {
    const stdin = this.stdin;
    if (!stdin || this.ended || stdin.destroyed) return false;
    return await new Promise<boolean>((resolve) => {
      const ok = stdin.write(bytes, (err) => {
        if (err) resolve(false);
        else if (ok) resolve(true);
      });
      if (!ok) {
        const drained = () => {
          stdin.off('close', closed);
          resolve(true);
        };
        const closed = () => {
          stdin.off('drain', drained);
          resolve(false);
        };
        stdin.once('drain', drained);
        stdin.once('close', closed);
      }
    });
  }

  /** No more input: ffmpeg flushes its last windows and exits. */
  async end(): Promise<void> {
    this.stdin?.end();
    await this.done;
  }

  /** Stops ffmpeg now (shutdown, a restart of the stream). */
  async stop(): Promise<void> {
    this.kill?.();
    await this.done;
  }

  private async spawn(): Promise<void> {
    // execa costs ~150 ms to import: only once audio is actually analysed.
    const { execa } = await import('execa');
    const child = execa(this.options.ffmpeg ?? 'ffmpeg', levelStreamArgs(), {
      reject: false,
      buffer: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      forceKillAfterDelay: 2000,
    });
    this.stdin = child.stdin ?? undefined;
    // A write after ffmpeg died is EPIPE: the write's callback says so, the stream must not throw.
    this.stdin?.on('error', () => undefined);
    this.kill = () => child.kill();
    const stdoutDone = this.readLines(child.stdout as Readable);
    (child.stderr as Readable).on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const result = await new Promise<{ exitCode?: number; cause?: unknown; failed?: boolean; signal?: string }>((resolve) => {
      child.then(resolve, (err: unknown) => resolve({ failed: true, cause: err }));
      child.once('spawn', () => resolve({}));
    });
    if (result.failed || (result.cause && result.exitCode === undefined && result.signal === undefined)) {
      const code = errnoCode(result.cause);
      if (code === 'ENOENT') throw new MissingProgramError(this.options.ffmpeg ?? 'ffmpeg');
    }
    // The last windows come with stdout's end: the stream is over once both ffmpeg and its stdout are.
    void Promise.all([
      child.then(
        (r) => r.exitCode,
        () => undefined,
      ),
      stdoutDone,
    ]).then(([exitCode]) => this.finish(exitCode));
  }

  private readLines(stdout: Readable): Promise<void> {
    let partial = '';
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      const text = partial + chunk;
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > MAX_LEVEL_LINE_BYTES) partial = '';
      for (const line of lines) {
        const window = this.parser.line(line);
        if (window) this.options.onWindow(window);
      }
    });
    return new Promise((resolve) => {
      stdout.once('close', () => {
        if (partial) {
          const window = this.parser.line(partial);
          if (window) this.options.onWindow(window);
        }
        const last = this.parser.flush();
        if (last) this.options.onWindow(last);
        resolve();
      });
    });
  }

  private finish(exitCode: number | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const lines = this.stderrTail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const noAudioStream = lines.some((l) => /matches no streams|does not contain any stream/.test(l));
    this.options.onEnd({ noAudioStream, exitCode, reason: lines.at(-1) });
    this.resolveDone();
  }
}

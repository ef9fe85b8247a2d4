import { runProgram } from '../process/process-runner.js';
import {
  hasNoAudioStream,
  parseDecodedDurationSec,
  parseSilencedetect,
  parseVolumedetect,
  totalSilenceSec,
  type SilenceInterval,
} from './ffmpeg-audio-parsers.js';

/** Below this mean volume a segment is silent (docs/design.md "audio": -50 dB). */
export const SILENT_MEAN_DB = -50;
/** silencedetect's noise floor: quieter than this counts as silence. */
export const SILENCE_NOISE_DB = -50;
/** Shortest silence silencedetect reports; half a 1 s segment, so one segment can be "covered". */
export const SILENCE_MIN_SEC = 0.5;
/**
 * A segment is silent when silencedetect covers at least this share of it:
 * the AAC encoder's first frames and rounding keep real coverage just short of 100%.
 */
export const SILENCE_COVERAGE_RATIO = 0.9;
/** A silence ending this close to the end of the decoded audio is still going on when the segment ends. */
export const TRAILING_SILENCE_EPSILON_SEC = 0.05;
/** One segment decodes in well under a second; a hung ffmpeg (NFS, dying disk) must not hold a device. */
export const AUDIO_CHECK_TIMEOUT_MS = 10_000;

export type AudioState = 'audio' | 'silent' | 'no_audio_stream' | 'error';

export interface SegmentAudio {
  state: AudioState;
  meanVolumeDb?: number;
  maxVolumeDb?: number;
  silences: SilenceInterval[];
  /** Audio decoded (ms), from ffmpeg's progress; 0 when unknown. */
  durationMs: number;
  /** Why the state is 'error' (ffmpeg's last line, or the timeout). */
  error?: string;
}

export interface AnalyzeOptions {
  timeoutMs?: number;
  silenceMinSec?: number;
  /** The program to run (tests point it at a missing one). */
  ffmpeg?: string;
  onSpawn?: (pid: number | undefined) => void;
  signal?: AbortSignal;
}

/**
 * The ffmpeg arguments for one check. `-map 0:a:0` without the trailing `?`
 * on purpose: with `?` and no audio stream, ffmpeg 5.1 falls back to its
 * default stream selection and decodes the video for nothing; without it, it
 * stops at once with "matches no streams", which is the no-audio signal.
 */
export function audioCheckArgs(input: string, silenceMinSec = SILENCE_MIN_SEC): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-nostdin',
    '-i',
    input,
    '-map',
    '0:a:0',
    '-af',
    `volumedetect,silencedetect=noise=${SILENCE_NOISE_DB}dB:d=${silenceMinSec}`,
    '-f',
    'null',
    '-',
  ];
}

/** Classify ffmpeg's output for one input (pure: the decision rules in one place). */
export function classifyAudio(stderr: string, exitCode: number | undefined): SegmentAudio {
  if (hasNoAudioStream(stderr)) return { state: 'no_audio_stream', silences: [], durationMs: 0 };
  const durationSec = parseDecodedDurationSec(stderr);
  const volume = parseVolumedetect(stderr);
  const silences = parseSilencedetect(stderr, durationSec);
  const durationMs = Math.round((durationSec ?? 0) * 1000);
  if (exitCode !== 0 || !volume) {
    return { state: 'error', silences, durationMs, error: lastLine(stderr) ?? `ffmpeg exited with ${exitCode ?? 'a signal'}` };
  }
  const known = durationSec !== undefined && durationSec > 0;
  const covered = known && totalSilenceSec(silences) >= durationSec * SILENCE_COVERAGE_RATIO;
  // The state at the END of the segment is the latest news: sound that stops
  // mid-segment is a loss starting now (the next check is 5 s away), and
  // sound that comes back mid-segment is sound.
  const last = silences.at(-1);
  const trailing = known && last !== undefined && last.end >= durationSec - TRAILING_SILENCE_EPSILON_SEC;
  const silent = volume.meanVolumeDb < SILENT_MEAN_DB || covered || trailing;
  return { state: silent ? 'silent' : 'audio', meanVolumeDb: volume.meanVolumeDb, maxVolumeDb: volume.maxVolumeDb, silences, durationMs };
}

function lastLine(text: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1);
}

/**
 * Analyse one media file's first audio stream with ONE ffmpeg run
 * (volumedetect + silencedetect). A missing ffmpeg throws
 * MissingProgramError (the monitor then reports audio unknown, never loss);
 * everything else is a state in the result.
 */
export async function analyzeSegment(file: string, options: AnalyzeOptions = {}): Promise<SegmentAudio> {
  const result = await runProgram(options.ffmpeg ?? 'ffmpeg', audioCheckArgs(file, options.silenceMinSec), {
    timeoutMs: options.timeoutMs ?? AUDIO_CHECK_TIMEOUT_MS,
    onSpawn: options.onSpawn,
    signal: options.signal,
  });
  if (result.timedOut) {
    return { state: 'error', silences: [], durationMs: 0, error: `ffmpeg timed out after ${options.timeoutMs ?? AUDIO_CHECK_TIMEOUT_MS} ms` };
  }
  return classifyAudio(result.stderr, result.exitCode);
}

/** At start: is ffmpeg there? Throws MissingProgramError when not. */
export async function probeFfmpeg(ffmpeg = 'ffmpeg'): Promise<string> {
  const result = await runProgram(ffmpeg, ['-hide_banner', '-version'], { timeoutMs: AUDIO_CHECK_TIMEOUT_MS });
  return result.stdout.split('\n')[0]?.trim() ?? '';
}

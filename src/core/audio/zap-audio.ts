import { access, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { runProgram } from '../process/process-runner.js';
import { analyzeSegment, type AnalyzeOptions } from './analyze-segment.js';
import { totalSilenceSec } from './ffmpeg-audio-parsers.js';

/**
 * Most segments one zap check merges: a 10 s event at 1 s segments spans
 * 11, plus one after. More means the caller passed the wrong range.
 */
export const ZAP_MAX_SEGMENTS = 12;
/** A channel change mutes the sound for a fraction of a second up to a few; shorter gaps are the content's own. */
export const ZAP_SILENCE_MIN_SEC = 0.3;
/** Merging a dozen 1 s segments with `-c copy` takes milliseconds; this is for a hung read. */
export const ZAP_MERGE_TIMEOUT_MS = 20_000;

export interface ZapAudioResult {
  /** not_checked: audio is off (--no-audio, no ffmpeg); the banner alone decides. */
  state: 'checked' | 'no_segments' | 'no_audio_stream' | 'error' | 'not_checked';
  /** true: sound ran through the event (dark content, not a zap); false: it dropped; null: unknown. */
  continuousAudio: boolean | null;
  silenceDurationMs: number;
  /** The segments merged (those of the range that exist). */
  segments: string[];
  error?: string;
}

export interface ZapAudioOptions {
  /** Names the temp files `<device>_concat_list.txt` / `<device>_audio_check.ts`, the names tmp-clean targets. */
  device: string;
  timeoutMs?: number;
  onSpawn?: (pid: number | undefined) => void;
  signal?: AbortSignal;
  ffmpeg?: string;
}

/**
 * A zap is confirmed when the banner was seen during the event and the audio
 * dropped. Audio unknown (no ffmpeg, no audio stream) leaves the banner to decide.
 */
export function confirmZap(bannerSeen: boolean, continuousAudio: boolean | null): boolean {
  return bannerSeen && continuousAudio !== true;
}

/** The concat demuxer's list syntax: quoted paths, a `'` written as `'\''`. */
export function concatList(files: readonly string[]): string {
  return files.map((f) => `file '${path.resolve(f).replaceAll("'", "'\\''")}'\n`).join('');
}

/**
 * Merge the event's segments (plus one after) with ffmpeg's concat demuxer
 * into the per-process temp folder and run silencedetect over the result.
 * Both temp files are removed in `finally`, whatever happens to ffmpeg
 * (timeout, kill, abort). One check per device at a time: the list is
 * created exclusively, so a second concurrent check for the same device
 * fails instead of sharing files.
 */
export async function checkZapAudio(segments: readonly string[], tempDir: string, options: ZapAudioOptions): Promise<ZapAudioResult> {
  if (segments.length > ZAP_MAX_SEGMENTS) {
    throw new RangeError(`zap check of ${segments.length} segments exceeds ZAP_MAX_SEGMENTS (${ZAP_MAX_SEGMENTS})`);
  }
  const existing: string[] = [];
  for (const file of segments) {
    // access(), not open(): opening a FIFO or a dead NFS file would block here, outside any timeout.
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      existing.push(file);
  }
  if (existing.length === 0) return { state: 'no_segments', continuousAudio: null, silenceDurationMs: 0, segments: [] };

  const listFile = path.join(tempDir, `${options.device}_concat_list.txt`);
  const merged = path.join(tempDir, `${options.device}_audio_check.ts`);
  const timeoutMs = options.timeoutMs ?? ZAP_MERGE_TIMEOUT_MS;
  const handle = await open(listFile, 'wx', 0o600).catch((err: unknown) => {
    if (errnoCode(err) === 'EEXIST') return undefined;
    throw err;
  });
  if (!handle) {
    return {
      state: 'error',
      continuousAudio: null,
      silenceDurationMs: 0,
      segments: existing,
      error: `a zap check for ${options.device} is already running (${listFile} exists)`,
    };
  }
  try {
    try {
      await handle.writeFile(concatList(existing));
    } finally {
      await handle.close();
    }
    const merge = await runProgram(
      options.ffmpeg ?? 'ffmpeg',
      ['-hide_banner', '-nostats', '-nostdin', '-y', '-f', 'concat', '-safe', '0', '-i', listFile, '-map', '0:a:0', '-c', 'copy', '-f', 'mpegts', merged],
      { timeoutMs, onSpawn: options.onSpawn, signal: options.signal },
    );
    if (/matches no streams/.test(merge.stderr)) return { state: 'no_audio_stream', continuousAudio: null, silenceDurationMs: 0, segments: existing };
    if (merge.exitCode !== 0 || merge.timedOut || merge.signal) {
      const why = merge.timedOut ? `timed out after ${timeoutMs} ms` : merge.signal ? `killed by ${merge.signal}` : lastLine(merge.stderr);
      return { state: 'error', continuousAudio: null, silenceDurationMs: 0, segments: existing, error: `merging segments failed: ${why}` };
    }
    const analyzeOptions: AnalyzeOptions = {
      timeoutMs,
      onSpawn: options.onSpawn,
      signal: options.signal,
      ffmpeg: options.ffmpeg,
      silenceMinSec: ZAP_SILENCE_MIN_SEC,
    };
    const audio = await analyzeSegment(merged, analyzeOptions);
    if (audio.state === 'no_audio_stream') return { state: 'no_audio_stream', continuousAudio: null, silenceDurationMs: 0, segments: existing };
    if (audio.state === 'error') return { state: 'error', continuousAudio: null, silenceDurationMs: 0, segments: existing, error: audio.error };
    const silenceDurationMs = Math.round(totalSilenceSec(audio.silences) * 1000);
    return { state: 'checked', continuousAudio: audio.state === 'audio' && audio.silences.length === 0, silenceDurationMs, segments: existing };
  } finally {
    await Promise.all([rm(listFile, { force: true }), rm(merged, { force: true })]);
  }
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? 'ffmpeg failed'
  );
}

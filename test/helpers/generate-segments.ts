import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runProgram } from '../../src/core/process/process-runner.js';

/** One stretch of the generated audio track. */
export interface AudioSpan {
  seconds: number;
  /** tone: a sine at -24 dBFS RMS; quiet: the same sine at -45 dBFS RMS (quiet, not silent); silence: digital zero; click: a 10 ms tone burst, then zero. */
  kind: 'tone' | 'silence' | 'quiet' | 'click';
}

export interface SegmentSpec {
  /** The `segments/` folder to fill (created). */
  dir: string;
  /** The audio track, span after span; `'none'` for video-only segments (no audio stream). */
  audio: readonly AudioSpan[] | 'none';
  /** Total video length; defaults to the audio's length. */
  seconds?: number;
  segmentSeconds?: number;
  fps?: number;
  frequency?: number;
  /** The audio encoder and its layout (default AAC, stereo, 48 kHz: the farm's grabbers). */
  audioCodec?: readonly string[];
}

const SAMPLE_RATE = 48_000;
const CLICK_SECONDS = 0.01;
const GENERATE_TIMEOUT_MS = 120_000;

/**
 * The lavfi graph of the audio track: `sine` for tones, `anullsrc` for
 * silence, concatenated, on output pad `out0` (so `-f lavfi -i <graph>`
 * works directly, which is how tests cross-check against ffmpeg itself).
 */
export function audioGraph(spans: readonly AudioSpan[], frequency = 440): string {
  const format = `aformat=sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;
  const sine = (seconds: number) => `sine=frequency=${frequency}:sample_rate=${SAMPLE_RATE}:duration=${seconds}`;
  const silence = (seconds: number) => `anullsrc=r=${SAMPLE_RATE}:cl=stereo:d=${seconds}`;
  const sources = spans.map((span, i) => {
    if (span.kind === 'tone') return `${sine(span.seconds)},${format}[a${i}]`;
    if (span.kind === 'quiet') return `${sine(span.seconds)},volume=-21dB,${format}[a${i}]`;
    if (span.kind === 'click') return `${sine(CLICK_SECONDS)},${format},apad=whole_dur=${span.seconds}[a${i}]`;
    return `${silence(span.seconds)},${format}[a${i}]`;
  });
  const inputs = spans.map((_, i) => `[a${i}]`).join('');
  return `${sources.join(';')};${inputs}concat=n=${spans.length}:v=0:a=1[out0]`;
}

export const spansSeconds = (spans: readonly AudioSpan[]): number => spans.reduce((s, x) => s + x.seconds, 0);

/**
 * Segments the way the farm's capture writes them: mpegts, `segment_%09d.ts`
 * numbered from 0, `segmentSeconds` long (keyframe every segment), testsrc2
 * video with (or without) an AAC track. Returns the files in order.
 */
export async function generateSegments(spec: SegmentSpec): Promise<string[]> {
  const fps = spec.fps ?? 5;
  const segmentSeconds = spec.segmentSeconds ?? 1;
  const seconds = spec.seconds ?? (spec.audio === 'none' ? 10 : spansSeconds(spec.audio));
  await mkdir(spec.dir, { recursive: true });
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=${fps}:duration=${seconds}`);
  if (spec.audio !== 'none') args.push('-f', 'lavfi', '-i', audioGraph(spec.audio, spec.frequency));
  args.push('-map', '0:v');
  if (spec.audio !== 'none') args.push('-map', '1:a', ...(spec.audioCodec ?? ['-c:a', 'aac']), '-shortest');
  args.push(
    '-c:v',
    'mpeg2video',
    '-g',
    String(fps * segmentSeconds),
    '-f',
    'segment',
    '-segment_time',
    String(segmentSeconds),
    '-segment_format',
    'mpegts',
    path.join(spec.dir, 'segment_%09d.ts'),
  );
  const result = await runProgram('ffmpeg', args, { timeoutMs: GENERATE_TIMEOUT_MS });
  if (result.exitCode !== 0) throw new Error(`ffmpeg failed generating segments: ${result.stderr}`);
  const names = (await readdir(spec.dir)).filter((n) => /^segment_\d{9}\.ts$/.test(n)).sort();
  return names.map((n) => path.join(spec.dir, n));
}

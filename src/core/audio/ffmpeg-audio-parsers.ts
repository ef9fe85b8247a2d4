/**
 * Pure parsers of ffmpeg's stderr for the audio checks (volumedetect,
 * silencedetect, the "no audio stream" errors). Tested on literal text
 * captured from the real ffmpeg; no I/O here.
 */

/**
 * volumedetect measures on s16 samples, so digital silence reads -91.0 dB;
 * a `-inf` (all-zero input on some builds) is clamped to the same floor so
 * the value stays a finite number in JSON.
 */
export const VOLUME_FLOOR_DB = -91;

export interface VolumeStats {
  meanVolumeDb: number;
  maxVolumeDb: number;
}

export interface SilenceInterval {
  /** Seconds from the start of the analysed input. */
  start: number;
  end: number;
  duration: number;
}

const DB = String.raw`(-?(?:\d+(?:\.\d+)?|inf))\s*dB`;
const MEAN_VOLUME = new RegExp(String.raw`\bmean_volume:\s*${DB}`);
const MAX_VOLUME = new RegExp(String.raw`\bmax_volume:\s*${DB}`);
const SILENCE_START = /\bsilence_start:\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/;
const SILENCE_END = /\bsilence_end:\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)(?:\s*\|\s*silence_duration:\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?))?/;
/** The final progress line (`size=N/A time=00:00:06.03 bitrate=...`): how much was decoded. */
const PROGRESS_TIME = /\btime=\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g;
/** The input header (`Duration: 00:00:06.02, start: ...`): the container's estimate. */
const INPUT_DURATION = /\bDuration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;
/**
 * `-map 0:a:0` on an input without audio: "Stream map '0:a:0' matches no
 * streams."; with `-vn -map 0:a:0?` instead: "Output file #0 does not
 * contain any stream". Either means the stream is absent, not silent.
 */
const NO_AUDIO_STREAM = /matches no streams|does not contain any stream/;

function parseDb(text: string): number {
  if (text === '-inf') return VOLUME_FLOOR_DB;
  return Math.max(VOLUME_FLOOR_DB, Number(text));
}

/** mean/max volume from volumedetect's summary, or undefined when it printed none (no audio decoded). */
export function parseVolumedetect(text: string): VolumeStats | undefined {
  const mean = MEAN_VOLUME.exec(text);
  const max = MAX_VOLUME.exec(text);
  if (!mean || !max) return undefined;
  return { meanVolumeDb: parseDb(mean[1]!), maxVolumeDb: parseDb(max[1]!) };
}

const hms = (h: string, m: string, s: string): number => Number(h) * 3600 + Number(m) * 60 + Number(s);

/**
 * Seconds of media ffmpeg went through: the last `time=` of the progress
 * output (what was actually decoded), else the input header's Duration.
 */
export function parseDecodedDurationSec(text: string): number | undefined {
  let last: number | undefined;
  for (const match of text.matchAll(PROGRESS_TIME)) {
    if (match[1] === '-') continue; // `time=-577014:32:22.77` before the first packet
    last = hms(match[2]!, match[3]!, match[4]!);
  }
  if (last !== undefined) return last;
  const header = INPUT_DURATION.exec(text);
  return header ? hms(header[1]!, header[2]!, header[3]!) : undefined;
}

/**
 * Silence intervals from silencedetect's log lines, in order. A silence
 * still open when the input ended (older ffmpeg prints no final
 * silence_end) is closed at `endSec`, else at the decoded duration found in
 * the same text, else dropped: without an end it has no length to report.
 */
export function parseSilencedetect(text: string, endSec?: number): SilenceInterval[] {
  const intervals: SilenceInterval[] = [];
  let open: number | undefined;
  for (const line of text.split('\n')) {
    const start = SILENCE_START.exec(line);
    if (start) {
      open = Math.max(0, Number(start[1]));
      continue;
    }
    const end = SILENCE_END.exec(line);
    if (end) {
      const endAt = Number(end[1]);
      const duration = end[2] !== undefined ? Number(end[2]) : endAt - (open ?? 0);
      const startAt = open ?? Math.max(0, endAt - duration);
      intervals.push({ start: startAt, end: endAt, duration: Math.max(0, endAt - startAt) });
      open = undefined;
    }
  }
  if (open !== undefined) {
    const closeAt = endSec ?? parseDecodedDurationSec(text);
    if (closeAt !== undefined && closeAt >= open) intervals.push({ start: open, end: closeAt, duration: closeAt - open });
  }
  return intervals;
}

/** Whether ffmpeg refused because the input has no audio stream at all. */
export function hasNoAudioStream(text: string): boolean {
  return NO_AUDIO_STREAM.test(text);
}

/** Total seconds covered by the intervals (they do not overlap: silencedetect emits them in sequence). */
export function totalSilenceSec(intervals: readonly SilenceInterval[]): number {
  return intervals.reduce((sum, i) => sum + i.duration, 0);
}

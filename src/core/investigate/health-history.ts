import { close, fstat, open, read } from '../fs/fs-async.js';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import type { HealthSample } from './health-types.js';
import { compactDate } from './local-time.js';
import { healthSampleFromJson } from './health-sample-json.js';

/** Reading back the JSON lines of earlier samples: the previous one (OOM delta) and the last hour (trends). */

/** One sample line is a few KB; the end of the file always holds the last one. */
export const LAST_SAMPLE_TAIL_BYTES = 64 * 1024;
/** At most this much of each day file is read for trends (hours of samples at 30 s). */
export const HISTORY_TAIL_BYTES = 4 * 1024 * 1024;
/** Trends never hold more samples than this, however fast the samples were taken. */
export const MAX_HISTORY_SAMPLES = 2_000;
const DAY_MS = 86_400_000;

export function healthLogPath(logDir: string, date: Date, ext: 'log' | 'jsonl'): string {
  return path.join(logDir, `health_${compactDate(date)}.${ext}`);
}

async function readTail(file: string, bytes: number): Promise<string | undefined> {
  let fd: number;
  try {
    fd = await open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await fstat(fd);
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await read(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // A cut first line is not JSON: drop it unless the whole file was read.
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await close(fd);
  }
}

function parseLines(text: string): HealthSample[] {
  const samples: HealthSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const sample = healthSampleFromJson(JSON.parse(line));
      if (sample) samples.push(sample);
    } catch {
      // A line torn by a crash mid-append: skip it, keep the rest.
    }
  }
  return samples;
}

/** The newest sample of today's file, else of yesterday's (the first sample after midnight). */
export async function readLastSample(logDir: string, now: Date): Promise<HealthSample | undefined> {
  for (const day of [now, new Date(now.getTime() - DAY_MS)]) {
    const text = await readTail(healthLogPath(logDir, day, 'jsonl'), LAST_SAMPLE_TAIL_BYTES);
    const last = text === undefined ? undefined : parseLines(text).at(-1);
    if (last) return last;
  }
  return undefined;
}

/** Samples taken in (now - windowMs, now], oldest first, at most MAX_HISTORY_SAMPLES (the newest). */
export async function readSamplesSince(
  logDir: string,
  now: Date,
  windowMs: number,
  limits = { tailBytes: HISTORY_TAIL_BYTES, maxSamples: MAX_HISTORY_SAMPLES },
): Promise<HealthSample[]> {
  const since = now.getTime() - windowMs;
  const days = compactDate(new Date(since)) === compactDate(now) ? [now] : [new Date(since), now];
  const samples: HealthSample[] = [];
  for (const day of days) {
    const text = await readTail(healthLogPath(logDir, day, 'jsonl'), limits.tailBytes);
    if (text === undefined) continue;
    for (const sample of parseLines(text)) {
      const t = Date.parse(sample.time);
      if (t > since && t <= now.getTime()) samples.push(sample);
    }
  }
  samples.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return samples.slice(-limits.maxSamples);
}

import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { available, type Probe } from './types.js';

/** The failures the capture pipeline's ffmpeg logs show before a capture dies. */
export const FFMPEG_PROBLEMS = {
  noSpace: /No space left on device/i,
  alsa: /\balsa\b.*(error|fail|cannot|busy|no such|overrun|xrun)/i,
  videoDeviceMissing: /\/dev\/video\d+.*(No such file or directory|No such device|Cannot open)|Cannot open video device/i,
  audioDeviceMissing: /cannot open audio device|audio device.*(not found|no such)|\bhw:\d+(,\d+)?.*No such (file|device)/i,
} as const;

export type FfmpegProblem = keyof typeof FFMPEG_PROBLEMS;

export interface FfmpegLog {
  file: string;
  sizeBytes: number;
  modifiedAt: string;
  counts: Record<FfmpegProblem, number>;
  /** The last matching lines, at most MAX_EXAMPLE_LINES. */
  examples: string[];
}

/** Logs are named `/tmp/ffmpeg_output_<device>.log` by the capture pipeline. */
export const FFMPEG_LOG_PATTERN = /^ffmpeg_output_.*\.log$/;
/** Only the end of each log is read: that is where a dying capture writes. */
export const FFMPEG_LOG_TAIL_BYTES = 256 * 1024;
export const MAX_FFMPEG_LOGS = 32;
export const MAX_EXAMPLE_LINES = 3;

export function scanFfmpegLog(text: string): Pick<FfmpegLog, 'counts' | 'examples'> {
  const counts = { noSpace: 0, alsa: 0, videoDeviceMissing: 0, audioDeviceMissing: 0 };
  const examples: string[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    let hit = false;
    for (const [problem, pattern] of Object.entries(FFMPEG_PROBLEMS) as [FfmpegProblem, RegExp][]) {
      if (pattern.test(line)) {
        counts[problem]++;
        hit = true;
      }
    }
    if (hit) {
      examples.push(line.trim().slice(0, 200));
      if (examples.length > MAX_EXAMPLE_LINES) examples.shift();
    }
  }
  return { counts, examples };
}

async function readTail(file: string): Promise<{ text: string; size: number; mtimeMs: number }> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    const length = Math.min(info.size, FFMPEG_LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, info.size - length);
    return { text: buffer.toString('utf8'), size: info.size, mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

export const ffmpegLogsProbe: Probe<{ logs: FfmpegLog[]; total: number }> = {
  name: 'ffmpeg-logs',
  async sample(ctx) {
    const names = (await readdir(ctx.tmpDir)).filter((n) => FFMPEG_LOG_PATTERN.test(n)).sort();
    const logs = await Promise.all(
      names.slice(0, MAX_FFMPEG_LOGS).map(async (name): Promise<FfmpegLog | undefined> => {
        const file = path.join(ctx.tmpDir, name);
        const tail = await readTail(file).catch(() => undefined);
        if (!tail) return undefined;
        return { file, sizeBytes: tail.size, modifiedAt: new Date(tail.mtimeMs).toISOString(), ...scanFfmpegLog(tail.text) };
      }),
    );
    return available({ logs: logs.filter((l): l is FfmpegLog => l !== undefined), total: names.length });
  },
};

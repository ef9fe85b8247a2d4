import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { errnoCode } from '../errors.js';
import { runProgram } from '../process/process-runner.js';

/**
 * One ffmpeg run makes one clip. Measured with `node bench/clip.bench.mjs`
 * on a 2-core x86 VM (100 frames of 320x180): 260 ms of CPU and 430 KB for a
 * moving, noisy picture (the costly case), 100 ms and 10 KB for a black
 * one. A Raspberry Pi takes several times the CPU: the time limit leaves it
 * ten times the room, the size limit ten times the largest clip seen.
 */
export const CLIP_TIMEOUT_MS = 30_000;
/** A clip larger than this is not kept (ffmpeg stops writing at it: -fs). */
export const CLIP_MAX_BYTES = 4 * 1024 * 1024;
/** A thumbnail is tens of KB; a file larger than this in a thumbnails folder is not one, and is left out. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** The lowest CPU priority: a clip must never slow the frame analysis of the same host. */
const CLIP_NICENESS = 19;

/** The ffmpeg arguments of a clip (exported for the benchmark, which times the same command). */
export function clipFfmpegArgs(fps: number, output: string, maxBytes = CLIP_MAX_BYTES): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-framerate',
    String(fps),
    '-i',
    'pipe:0',
    '-an',
    // Even sizes (yuv420p needs them) and the pixel format Chromium and Firefox play.
    '-vf',
    'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-pix_fmt',
    'yuv420p',
    // The index first, so a browser starts playing before the whole file is in.
    '-movflags',
    '+faststart',
    '-threads',
    '1',
    '-fs',
    String(maxBytes),
    '-f',
    'mp4',
    '-y',
    output,
  ];
}

export interface ClipLimits {
  timeoutMs: number;
  maxBytes: number;
}

export type ClipResult = { ok: true; bytes: number; frames: number; ms: number } | { ok: false; reason: string };

/**
 * Encode `frames` (JPEG files, in order) into an H.264 MP4 at `output`,
 * written under a temp name and renamed, so no reader sees half a clip.
 * Frames are streamed to ffmpeg one at a time (memory: one thumbnail); one
 * that vanished meanwhile (hot rotation) is left out. Throws
 * MissingProgramError when ffmpeg is not installed.
 */
export async function encodeClip(
  frames: readonly string[],
  fps: number,
  output: string,
  limits: ClipLimits = { timeoutMs: CLIP_TIMEOUT_MS, maxBytes: CLIP_MAX_BYTES },
  signal?: AbortSignal,
): Promise<ClipResult> {
  await fs.mkdir(path.dirname(output), { recursive: true });
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fed = 0;
  async function* jpegs(): AsyncGenerator<Buffer> {
    for (const file of frames) {
      const data = await readFrame(file);
      if (data) {
        fed++;
        yield data;
      }
    }
  }
  try {
    const run = await runProgram('ffmpeg', clipFfmpegArgs(fps, tmp, limits.maxBytes), {
      input: Readable.from(jpegs()),
      timeoutMs: limits.timeoutMs,
      onSpawn: (pid) => lowerPriority(pid),
      ...(signal ? { signal } : {}),
    });
    if (run.timedOut) return { ok: false, reason: `ffmpeg took more than ${limits.timeoutMs / 1000} s (the limit)` };
    if (run.exitCode !== 0) return { ok: false, reason: `ffmpeg failed (${run.stderr.trim().split('\n').at(-1) ?? `exit ${run.exitCode}`})` };
    const { size } = await fs.stat(tmp);
    if (size >= limits.maxBytes) return { ok: false, reason: `the clip reached the size limit (${limits.maxBytes} bytes)` };
    await fs.rename(tmp, output);
    return { ok: true, bytes: size, frames: fed, ms: Math.round(run.durationMs) };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** One frame, read through one non-blocking descriptor (a FIFO named like a frame must not hang the job). */
async function readFrame(file: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_FRAME_BYTES) return undefined;
    return await handle.readFile();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  } finally {
    await handle?.close();
  }
}

function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, CLIP_NICENESS);
  } catch {
    // Already gone, or not permitted: the clip is still made, at normal priority.
  }
}

import path from 'node:path';
import type { FrameIndex } from '../layout/frame-listing.js';
import { replayFrameTimeMs, type ReplayClock } from '../layout/frame-time.js';
import type { DevicePaths } from '../layout/stream-layout.js';
import { frameFilesIn, type PipelineFrame } from '../pipeline/device-pipeline.js';
import { loadFrame, replayClockStart, type LoadedFrame } from '../pipeline/frame-loader.js';

/**
 * Frames decoded ahead of the one being analysed, per device: decoding runs
 * on libuv's threads while JavaScript runs the detectors. Each is one
 * 320x180 buffer (57 KB).
 */
const PREFETCH_FRAMES = 2;

type Settled = { ok: true; frame: LoadedFrame } | { ok: false; error: unknown };

/** The folder ffmpeg writes the device's captures, segments and per-frame JSON under (`<device>` or `<device>/hot`). */
export function liveDirOf(paths: DevicePaths): string {
  return path.dirname(paths.live.captures);
}

/**
 * The frames of one device on disk, in sequence order, as the pipeline takes
 * them: on the replay clock (the first frame's mtime, then sequence / fps),
 * from the live folder or, in RAM mode, from cold storage, each already
 * being decoded PREFETCH_FRAMES ahead. This is replay's whole speed trick on
 * the input side; the steps themselves are the pipeline's.
 */
export async function* replayFrames(paths: DevicePaths, index: FrameIndex, fps: number): AsyncGenerator<PipelineFrame> {
  if (index.length === 0) return;
  const liveDir = liveDirOf(paths);
  const filesAt = (i: number) => {
    const sequence = index.sequences[i]!;
    const side = index.inLive[i] === 1 ? paths.live : paths.cold;
    return { sequence, ...frameFilesIn(path.dirname(side.captures), sequence) };
  };
  // The first frame may be unreadable (a dangling link, a loop): the clock starts from the first one with a time.
  const clock: ReplayClock = { firstSequence: filesAt(0).sequence, firstMtimeMs: await replayClockStart(filesAt, index.length, fps), fps };
  const ahead: Promise<Settled>[] = [];
  let next = 0;
  for (let i = 0; i < index.length; i++) {
    while (ahead.length < PREFETCH_FRAMES + 1 && next < index.length) {
      // Settled at once: a decode failing while it waits its turn is no unhandled rejection.
      ahead.push(
        loadFrame(filesAt(next++)).then(
          (frame): Settled => ({ ok: true, frame }),
          (error: unknown): Settled => ({ ok: false, error }),
        ),
      );
    }
    const files = filesAt(i);
    const loading = ahead.shift()!.then((s) => {
      if (!s.ok) throw s.error;
      return s.frame;
    });
    yield { ...files, timeMs: replayFrameTimeMs(clock, files.sequence), liveDir, loading };
  }
}

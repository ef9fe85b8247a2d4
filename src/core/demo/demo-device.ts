import { mkdir, mkdtemp, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MissingProgramError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { DemoFrameRenderer } from './demo-frames.js';
import { DemoSegmentWriter } from './demo-audio.js';
import { DEMO_DEVICE, DEMO_FPS, DEMO_SCRIPT, pictureAt, soundAt, type DemoScript } from './demo-script.js';

/** Segments kept in the demo's hot folder; older ones are deleted, as the farm's HLS rotation does. */
export const DEMO_SEGMENTS_KEPT = 30;
/** Frames (capture + thumbnail) kept in the hot folder, the tmpfs rotation of a real host (60 s at 5 fps). */
export const DEMO_FRAMES_KEPT = 300;

export interface DemoDeviceOptions {
  /** Where the temp stream root is made (default os.tmpdir(); the monitor passes its per-process folder). */
  parentDir?: string;
  script?: DemoScript;
  fps?: number;
  /** Write audio segments (needs ffmpeg). Default true; without ffmpeg the demo runs silent-less and says so. */
  audio?: boolean;
  logger?: Logger;
}

const pad = (n: number) => String(n).padStart(9, '0');

/**
 * A synthetic capture device for `vpt monitor --demo`: a temporary stream
 * root with one device in RAM-mode layout (`capture1/hot/...`, cold folders
 * beside it), written at 5 fps on the wall clock the way the farm's ffmpeg
 * writes: `<name>.tmp`, then rename. The script (episodes with times) is
 * public so tests can hold the monitor's events against it.
 */
export class DemoDevice {
  readonly streamRoot: string;
  readonly device = DEMO_DEVICE;
  readonly deviceDir: string;
  /** `<device>/hot`: where the live files go. */
  readonly liveDir: string;
  readonly script: DemoScript;
  readonly fps: number;
  framesWritten = 0;
  segmentsWritten = 0;
  /** Wall-clock time of frame 0, once started. */
  startedAtMs: number | undefined;
  /** Why audio segments are not written, when they are not. */
  audioUnavailable: string | undefined;
  private readonly renderer = new DemoFrameRenderer();
  private segments: DemoSegmentWriter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private stopped = false;
  private readonly logger: Logger;

  private constructor(streamRoot: string, options: DemoDeviceOptions) {
    this.streamRoot = streamRoot;
    this.deviceDir = path.join(streamRoot, DEMO_DEVICE);
    this.liveDir = path.join(this.deviceDir, 'hot');
    this.script = options.script ?? DEMO_SCRIPT;
    this.fps = options.fps ?? DEMO_FPS;
    this.logger = options.logger ?? silentLogger;
  }

  /** Make the stream root and its folders (and the audio templates); nothing is written until start(). */
  static async create(options: DemoDeviceOptions = {}): Promise<DemoDevice> {
    const root = await mkdtemp(path.join(options.parentDir ?? os.tmpdir(), 'vpt-demo-'));
    const demo = new DemoDevice(path.join(root, 'stream'), options);
    try {
      for (const side of [demo.liveDir, demo.deviceDir]) {
        for (const folder of ['captures', 'thumbnails', 'segments', 'metadata']) await mkdir(path.join(side, folder), { recursive: true });
      }
      if (options.audio ?? true) {
        try {
          demo.segments = await DemoSegmentWriter.create(path.join(root, 'templates'), path.join(demo.liveDir, 'segments'));
        } catch (err) {
          if (!(err instanceof MissingProgramError)) throw err;
          demo.audioUnavailable = err.message;
        }
      }
    } catch (err) {
      await rm(root, { recursive: true, force: true });
      throw err;
    }
    return demo;
  }

  /** Begin writing frames (and a segment each second) on the wall clock. */
  start(now = Date.now()): void {
    if (this.startedAtMs !== undefined) return;
    this.startedAtMs = now;
    this.schedule(0);
  }

  /** Stop writing and remove the whole temp stream root. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.writing?.catch(() => undefined);
    await rm(path.dirname(this.streamRoot), { recursive: true, force: true });
  }

  private schedule(sequence: number): void {
    if (this.stopped || this.startedAtMs === undefined) return;
    const due = this.startedAtMs + (sequence * 1000) / this.fps;
    this.timer = setTimeout(
      () => {
        this.writing = this.writeFrame(sequence, due)
          .catch((err: unknown) => {
            // The monitor is the product, the demo only feeds it: a failed write is logged, the next frame tries again.
            if (!this.stopped) this.logger.warn(`demo: cannot write frame ${sequence}: ${err instanceof Error ? err.message : String(err)}`);
          })
          .finally(() => {
            this.writing = undefined;
            // A slow disk makes frames late, never piled up: the next one is scheduled after this one is written.
            this.schedule(sequence + 1);
          });
      },
      Math.max(0, due - Date.now()),
    );
  }

  private async writeFrame(sequence: number, timeMs: number): Promise<void> {
    const tSec = sequence / this.fps;
    // The segment of the second that just ended, before the frame that starts the next one (ffmpeg closes it then).
    if (this.segments && sequence > 0 && sequence % this.fps === 0) {
      const index = sequence / this.fps - 1;
      await this.segments.write(index, soundAt(this.script, index + 0.5).kind);
      this.segmentsWritten++;
      if (index >= DEMO_SEGMENTS_KEPT)
        await unlink(path.join(this.liveDir, 'segments', `segment_${pad(index - DEMO_SEGMENTS_KEPT)}.ts`)).catch(() => undefined);
    }
    const frame = await this.renderer.render(pictureAt(this.script, tSec).kind, sequence);
    if (this.stopped) return;
    await writeRenamed(path.join(this.liveDir, 'thumbnails', `capture_${pad(sequence)}_thumbnail.jpg`), frame.thumbnail, timeMs);
    await writeRenamed(path.join(this.liveDir, 'captures', `capture_${pad(sequence)}.jpg`), frame.capture, timeMs);
    this.framesWritten++;
    if (sequence >= DEMO_FRAMES_KEPT) {
      const old = pad(sequence - DEMO_FRAMES_KEPT);
      await unlink(path.join(this.liveDir, 'captures', `capture_${old}.jpg`)).catch(() => undefined);
      await unlink(path.join(this.liveDir, 'thumbnails', `capture_${old}_thumbnail.jpg`)).catch(() => undefined);
    }
  }
}

/** ffmpeg's atomic writing: the temp file gets the capture time, then takes the real name. */
async function writeRenamed(target: string, content: Buffer, timeMs: number): Promise<void> {
  const tmp = `${target}.tmp`;
  await writeFile(tmp, content);
  await utimes(tmp, timeMs / 1000, timeMs / 1000);
  await rename(tmp, target);
}

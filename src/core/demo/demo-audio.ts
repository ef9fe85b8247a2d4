import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { segmentFileName } from '../audio/segment-files.js';
import { runProgram } from '../process/process-runner.js';
import type { SoundKind } from './demo-script.js';

/** Making the two 1 s templates takes well under a second; a Pi under load gets a margin. */
export const TEMPLATE_TIMEOUT_MS = 30_000;

/**
 * The demo's audio segments. ffmpeg makes two 1 s mpegts templates once (a
 * 440 Hz tone and digital silence, each with a small video track, as a
 * capture's HLS segment has); each second of the demo then copies the right
 * one into `segments/segment_NNNNNNNNN.ts` (temp name + rename, so a reader
 * never sees half a segment). One ffmpeg run at start, none per second.
 */
export class DemoSegmentWriter {
  private constructor(
    private readonly templates: Record<SoundKind, string>,
    private readonly segmentsDir: string,
  ) {}

  /** Throws MissingProgramError without ffmpeg (the demo then runs without segments). */
  static async create(templateDir: string, segmentsDir: string): Promise<DemoSegmentWriter> {
    await mkdir(templateDir, { recursive: true });
    await mkdir(segmentsDir, { recursive: true });
    const templates = { tone: path.join(templateDir, 'tone.ts'), silence: path.join(templateDir, 'silence.ts') };
    for (const [kind, file] of Object.entries(templates)) {
      const audio = kind === 'tone' ? 'sine=frequency=440:sample_rate=48000:duration=1' : 'anullsrc=r=48000:cl=mono:d=1';
      const result = await runProgram(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-y',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=320x180:rate=5:duration=1',
          '-f',
          'lavfi',
          '-i',
          audio,
          '-map',
          '0:v',
          '-map',
          '1:a',
          '-c:v',
          'mpeg2video',
          '-c:a',
          'aac',
          '-shortest',
          '-f',
          'mpegts',
          file,
        ],
        { timeoutMs: TEMPLATE_TIMEOUT_MS },
      );
      if (result.exitCode !== 0) throw new Error(`ffmpeg could not make the demo's ${kind} segment: ${result.stderr.trim()}`);
    }
    return new DemoSegmentWriter(templates, segmentsDir);
  }

  async write(index: number, sound: SoundKind): Promise<string> {
    const target = path.join(this.segmentsDir, segmentFileName(index));
    const tmp = `${target}.tmp`;
    await copyFile(this.templates[sound], tmp);
    await rename(tmp, target);
    return target;
  }
}

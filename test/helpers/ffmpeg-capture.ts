import { execa, type ResultPromise } from 'execa';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface FfmpegCaptureOptions {
  /** The device folder: captures/, thumbnails/ and segments/ are written under it. */
  deviceDir: string;
  /** `-atomic_writing 1` (temp name, renamed into place) or ffmpeg's default in-place writer. */
  atomic: boolean;
  /** Seconds of capture (`-t`), in real time (`-re`). */
  seconds: number;
  /** The lavfi video source (default: moving testsrc2). */
  source?: string;
  /** First frame and segment number (`-start_number`); ffmpeg's restart default here is 0, as the farm's. */
  startNumber?: number;
}

export const CAPTURE_FPS = 5;

/**
 * The farm's capture command, fed by lavfi instead of an HDMI grabber: one
 * decode, `split=3` into the 1280x720 capture, the 320x180 nearest-neighbour
 * thumbnail and 1 s HLS segments with sound. Runs in real time (`-re`).
 */
export async function startFfmpegCapture(options: FfmpegCaptureOptions): Promise<ResultPromise> {
  const dir = options.deviceDir;
  for (const sub of ['captures', 'thumbnails', 'segments']) await mkdir(path.join(dir, sub), { recursive: true });
  const start = String(options.startNumber ?? 0);
  const writer = options.atomic ? ['-atomic_writing', '1'] : [];
  const source = options.source ?? `testsrc2=size=1280x720:rate=${CAPTURE_FPS}`;
  // prettier-ignore
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-t', String(options.seconds), '-f', 'lavfi', '-i', source,
    '-re', '-t', String(options.seconds), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-filter_complex', '[0:v]split=3[cap][th][seg];[th]scale=320:180:flags=neighbor[thumb];[seg]scale=640:360[segv]',
    '-map', '[cap]', '-f', 'image2', ...writer, '-start_number', start, path.join(dir, 'captures', 'capture_%09d.jpg'),
    '-map', '[thumb]', '-f', 'image2', ...writer, '-start_number', start, path.join(dir, 'thumbnails', 'capture_%09d_thumbnail.jpg'),
    '-map', '[segv]', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(CAPTURE_FPS), '-c:a', 'aac',
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '10', '-start_number', start,
    '-hls_segment_filename', path.join(dir, 'segments', 'segment_%09d.ts'), path.join(dir, 'segments', 'index.m3u8'),
  ];
  return execa('ffmpeg', args, { reject: false, stdin: 'ignore', timeout: (options.seconds + 120) * 1000 });
}

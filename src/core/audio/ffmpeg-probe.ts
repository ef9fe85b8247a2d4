import { runProgram } from '../process/process-runner.js';

/** `ffmpeg -version` answers at once; a hung binary (NFS, a dying disk) must not hold the start. */
export const FFMPEG_PROBE_TIMEOUT_MS = 10_000;

/** At start: is ffmpeg there? Throws MissingProgramError when not. */
export async function probeFfmpeg(ffmpeg = 'ffmpeg'): Promise<string> {
  const result = await runProgram(ffmpeg, ['-hide_banner', '-version'], { timeoutMs: FFMPEG_PROBE_TIMEOUT_MS });
  return result.stdout.split('\n')[0]?.trim() ?? '';
}

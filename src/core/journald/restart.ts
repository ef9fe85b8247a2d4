import { MissingProgramError } from '../errors.js';
import { runProgram } from '../process/process-runner.js';

/** journald flushes and reopens its files on restart; on a busy Pi that can take a while. */
export const RESTART_TIMEOUT_MS = 30_000;
/** Enough of systemctl's complaint to act on, without dumping a screenful into one line. */
const MAX_DETAIL_CHARS = 300;

export interface RestartResult {
  ok: boolean;
  /** What happened, in one line the command can print. */
  message: string;
}

/**
 * `systemctl restart systemd-journald`, so new limits take effect. A failure
 * is a result, not an exception: the drop-in is already in place and stays.
 * `env` lets tests put a stand-in systemctl first on PATH (no systemd runs there).
 */
export async function restartJournald(options: { timeoutMs?: number; env?: Record<string, string | undefined> } = {}): Promise<RestartResult> {
  const timeoutMs = options.timeoutMs ?? RESTART_TIMEOUT_MS;
  try {
    const result = await runProgram('systemctl', ['restart', 'systemd-journald'], { timeoutMs, env: options.env });
    if (result.exitCode === 0) return { ok: true, message: 'restarted systemd-journald' };
    const why = result.timedOut
      ? `timed out after ${timeoutMs / 1000}s`
      : `exit ${result.exitCode ?? result.signal ?? 'unknown'}${detail(result.stderr || result.stdout)}`;
    return { ok: false, message: `systemctl restart systemd-journald failed (${why})` };
  } catch (err) {
    if (err instanceof MissingProgramError) return { ok: false, message: `cannot restart systemd-journald: ${err.message}` };
    throw err;
  }
}

function detail(output: string): string {
  const text = output.trim().replace(/\s+/g, ' ');
  if (text === '') return '';
  return `: ${text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}...` : text}`;
}

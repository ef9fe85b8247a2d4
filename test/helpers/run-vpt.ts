import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VPT_BIN = path.join(REPO_ROOT, 'bin', 'vpt');
/** The farm's real captures (320x180), shared by every project session. */
export const REAL_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'real');

export interface VptRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Tier 3: run the real built binary as a child process; output is stripped of colour. */
export async function runVpt(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<VptRun> {
  const result = await execa(VPT_BIN, args, {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 30_000,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout).replace(ANSI, ''),
    stderr: String(result.stderr).replace(ANSI, ''),
  };
}

/** A fresh temp folder; call the returned cleanup in afterEach. */
export async function makeTempDir(prefix = 'vpt-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

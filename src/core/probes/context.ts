import { tmpdir } from 'node:os';
import { DEFAULT_STREAM_ROOT } from '../layout/stream-root.js';
import { silentLogger } from '../logger.js';
import { DEFAULT_TRACKED_PATTERNS, type CommandRunner, type ProbeContext } from './types.js';

/** runProgram, imported only when a probe really runs a command: execa costs ~150 ms to load. */
export const lazyRunProgram: CommandRunner = async (program, args, options) => {
  const { runProgram } = await import('../process/process-runner.js');
  return runProgram(program, args, options);
};

/** The real host's roots; tests override any of them (fixture /proc, temp rootfs, a stand-in runner). */
export function createProbeContext(overrides: Partial<ProbeContext> = {}): ProbeContext {
  return {
    procRoot: '/proc',
    sysRoot: '/sys',
    rootfs: '/',
    streamRoot: DEFAULT_STREAM_ROOT,
    tmpDir: tmpdir(),
    trackedPatterns: DEFAULT_TRACKED_PATTERNS,
    selfPid: process.pid,
    now: () => new Date(),
    logger: silentLogger,
    run: lazyRunProgram,
    ...overrides,
  };
}

import { describe, expect, it } from 'vitest';
import { MissingProgramError } from '../../src/core/errors.js';
import { runProgram } from '../../src/core/process/process-runner.js';

describe('runProgram', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const result = await runProgram(process.execPath, ['-e', 'console.log(process.argv[1])', '$(echo injected); rm -rf /']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('$(echo injected); rm -rf /');
  });

  it('reports a non-zero exit as a result', async () => {
    const result = await runProgram(process.execPath, ['-e', 'process.stderr.write("bad"); process.exit(4)']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toBe('bad');
    expect(result.timedOut).toBe(false);
  });

  it('kills a program at its timeout', async () => {
    const result = await runProgram(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('throws MissingProgramError for a program that does not exist', async () => {
    await expect(runProgram('vpt-no-such-program', [])).rejects.toBeInstanceOf(MissingProgramError);
    await expect(runProgram('vpt-no-such-program', [])).rejects.toThrow(/vpt-no-such-program is not installed/);
  });
});

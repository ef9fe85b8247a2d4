import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VPT_BIN } from '../helpers/run-vpt.js';

/**
 * A reader that went away before vpt wrote (`vpt ... | head` after head exited) is no error: no stack
 * trace, the exit code the command had. Help goes out with fs.writeSync (src/fd-output.ts), command
 * output through process.stdout (src/ui.ts watches it for EPIPE once it exists).
 */
describe('stdout closed by its reader', () => {
  for (const args of [['--help'], ['monitor', '--help'], ['completion', 'bash'], ['--version', '--json']]) {
    it(`vpt ${args.join(' ')}`, async () => {
      const child = execa(VPT_BIN, args, { reject: false, stdout: 'pipe', stderr: 'pipe', timeout: 20_000 });
      child.stdout!.destroy(); // our end of the pipe closed before the child writes a byte
      const run = await child;
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
    });
  }
});

import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { normaliseOptions } from '../../src/commands/investigate/options.js';
import { healthFastOptions } from '../../src/health-entry.js';
import { createUi } from '../../src/ui.js';
import { runVpt } from '../helpers/run-vpt.js';

/** What the full CLI (commander) hands `investigate` for these arguments. */
async function commanderOptions(args: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | undefined;
  const sink = { write: () => true };
  const program = buildProgram({
    load: async () => ({
      run: async (options) => {
        seen = options;
        return 0;
      },
    }),
    onExit: () => undefined,
    createUi: (flags) => createUi(flags, { stdout: sink, stderr: sink, env: {} }),
  });
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(['node', 'vpt', ...args]);
  if (!seen) throw new Error('investigate did not run');
  return seen;
}

const GLOBAL_KEYS = ['json', 'quiet', 'verbose', 'color'] as const;
const globals = (o: Record<string, unknown>) => Object.fromEntries(GLOBAL_KEYS.map((k) => [k, o[k] === true ? true : o[k] === false ? false : undefined]));

describe('the health fast path reads the arguments as the full CLI does', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    [['investigate', '--health']],
    [['investigate', '--health', '-q']],
    [['investigate', '--health', '--log-dir', '/var/log/vpt', '--stream-root=/srv/stream', '--json']],
    [['investigate', '-qv', '--health', '--no-color', '--prom', '/x/vpt.prom']],
    [['investigate', '--health', '--processes', 'capture_monitor,app.py', '--processes', 'ffmpeg', '--memory-alert', '512M', '--for', '3']],
    [['investigate', '--health', '--log-dir', 'relative/logs', '--log-dir', '/last/wins']],
    [['investigate', '--health', '--cache-dirs', '/opt/farm/__pycache__,/srv/*/__pycache__', '--cache-dirs', 'rel/cache']],
  ])('%j', async (args) => {
    const fast = healthFastOptions(args, process.env);
    expect(fast).toBeDefined();
    const full = await commanderOptions(args);
    expect(normaliseOptions(fast!)).toEqual(normaliseOptions(full));
    expect(globals(fast!)).toEqual(globals(full));
  });

  it('takes VPT_LOG_DIR and VPT_STREAM_ROOT from the environment when the flags are absent, like commander', async () => {
    process.env.VPT_LOG_DIR = '/env/logs';
    process.env.VPT_STREAM_ROOT = '/env/stream';
    const args = ['investigate', '--health'];
    const fast = normaliseOptions(healthFastOptions(args, process.env)!);
    expect(fast).toEqual(normaliseOptions(await commanderOptions(args)));
    expect([fast.logDir, fast.streamRoot]).toEqual(['/env/logs', '/env/stream']);
  });

  it.each([
    [['investigate']],
    [['investigate', '--health', '--help']],
    [['investigate', '--health', '--install']],
    [['investigate', '--health', '--bogus']],
    [['investigate', '--health', 'extra']],
    [['investigate', '--health', '--for', '0']],
    [['investigate', '--health', '--memory-alert', 'lots']],
    [['investigate', '--health', '--log-dir']],
    [['--json', 'investigate', '--health']],
    [['monitor', '--health']],
  ])('%j goes to the full CLI', (args) => {
    expect(healthFastOptions(args, {})).toBeUndefined();
  });

  it('through the binary: usage errors keep the full CLI wording and exit 2', async () => {
    const unknown = await runVpt(['investigate', '--health', '--bogus']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const range = await runVpt(['investigate', '--health', '--for', '0']);
    expect(range.exitCode).toBe(2);
    expect(range.stderr.trim()).toBe('vpt: --for: 0 is out of range (1..1000)');
  });
});

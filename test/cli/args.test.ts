import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandName } from '../../src/cli.js';
import { UsageError } from '../../src/core/errors.js';
import { createUi } from '../../src/ui.js';

/** Tier 1: commander with the command functions stubbed; the right options reach the right function. */
async function parse(argv: string[]): Promise<{ name: CommandName; options: Record<string, unknown> }> {
  let seen: { name: CommandName; options: Record<string, unknown> } | undefined;
  const sink = { write: () => true };
  const program = buildProgram({
    load: async (name) => ({
      run: async (options) => {
        seen = { name, options };
        return 0;
      },
    }),
    onExit: () => undefined,
    createUi: (flags) => createUi(flags, { stdout: sink, stderr: sink, env: {} }),
  });
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(['node', 'vpt', ...argv]);
  if (!seen) throw new Error('no command ran');
  return seen;
}

describe('vpt argument table', () => {
  it.each([
    [['tmp-clean'], 'tmp-clean', { dir: '/tmp', olderThan: 600_000 }],
    [
      ['tmp-clean', '--older-than', '1h', '--pattern', 'a*', '--pattern', 'b*', '--dry-run'],
      'tmp-clean',
      { olderThan: 3_600_000, pattern: ['a*', 'b*'], dryRun: true },
    ],
    [['--json', 'tmp-clean', '-q'], 'tmp-clean', { json: true, quiet: true }],
    [['tmp-clean', '--json', '--no-color'], 'tmp-clean', { json: true, color: false }],
    [['journald-limits'], 'journald-limits', { systemMaxUse: '500M', restart: true }],
    [
      ['journald-limits', '--apply', '--root', '/x', '--no-restart', '--persistent'],
      'journald-limits',
      { apply: true, root: '/x', restart: false, persistent: true },
    ],
    [['monitor', '--devices', 'capture1,capture2', '--fps', '2', '--no-audio'], 'monitor', { devices: ['capture1', 'capture2'], fps: 2, audio: false }],
    [['monitor', '--incident-delay', '10s', '--memory-alert', '512M'], 'monitor', { incidentDelay: 10_000, memoryAlert: 512 * 1024 ** 2 }],
    [['monitor'], 'monitor', { incidentDelay: 30_000, queueLimit: 150, sweepInterval: 3_600_000, audio: true, blackThreshold: 85 }],
    [['investigate', '--health', '--prom', '/x.prom', '--for', '3'], 'investigate', { health: true, prom: '/x.prom', for: 3, memoryAlert: 1024 ** 3 }],
  ] as const)('%j runs %s with %j', async (argv, name, expected) => {
    const seen = await parse([...argv]);
    expect(seen.name).toBe(name);
    expect(seen.options).toMatchObject(expected);
  });

  it.each([
    [['tmp-clean', '--older-than', 'soon'], /--older-than/],
    [['monitor', '--fps', '0'], /--fps/],
    [['monitor', '--memory-alert', '1X'], /--memory-alert/],
  ])('%j is a usage error naming the flag', async (argv, pattern) => {
    const err = await parse([...argv]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(pattern);
  });
});

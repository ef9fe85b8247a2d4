import { describe, expect, it } from 'vitest';
import { runVpt } from '../helpers/run-vpt.js';

describe('bin/vpt', () => {
  it('lists the four commands with one line each', async () => {
    const { exitCode, stdout } = await runVpt(['--help']);
    expect(exitCode).toBe(0);
    for (const name of ['monitor', 'investigate', 'journald-limits', 'tmp-clean']) {
      expect(stdout).toMatch(new RegExp(`^  ${name} \\[options\\] +\\S`, 'm'));
    }
  });

  it.each(['monitor', 'investigate', 'journald-limits', 'tmp-clean'])('%s --help has examples and the global flags', async (name) => {
    const { exitCode, stdout } = await runVpt([name, '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain(`vpt ${name}`);
    for (const flag of ['--json', '--quiet', '--verbose', '--no-color']) expect(stdout).toContain(flag);
  });

  it('prints the package version', async () => {
    const { exitCode, stdout } = await runVpt(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a bad flag value is one line naming the flag, exit 2, no stack trace', async () => {
    const { exitCode, stderr, stdout } = await runVpt(['tmp-clean', '--older-than', 'soon']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^vpt: --older-than: "soon" is not a time span/);
  });

  it('an unknown command is a usage error', async () => {
    const { exitCode, stderr } = await runVpt(['bogus']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/unknown command 'bogus'/);
  });
});

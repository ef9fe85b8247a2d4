import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/** The bash script from `vpt completion bash`, sourced in a real bash, asked as bash asks it at TAB. */
describe('vpt completion', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let script: string;
  let stream: string;
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-completion-');
    script = path.join(tmp.dir, 'vpt.bash');
    const run = await runVpt(['completion', 'bash']);
    expect(run.exitCode).toBe(0);
    await writeFile(script, run.stdout);
    stream = path.join(tmp.dir, 'stream');
    for (const device of ['capture1', 'capture2', 'capture10']) await mkdir(path.join(stream, device), { recursive: true });
    await mkdir(path.join(stream, 'archive'));
  });
  afterAll(() => tmp.cleanup());

  /** COMPREPLY for the command line `words`, the cursor on the last word. */
  async function complete(words: string[], env: Record<string, string> = {}): Promise<string[]> {
    const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _vpt; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = await execa('bash', ['--norc', '-c', program, 'bash', script, ...words], { env: { VPT_STREAM_ROOT: stream, ...env } });
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes commands', async () => {
    expect(await complete(['vpt', 'mon'])).toEqual(['monitor']);
    expect(await complete(['vpt', 'inv'])).toEqual(['investigate']);
    expect(await complete(['vpt', 'i'])).toEqual(['incidents', 'investigate']);
    expect(await complete(['vpt', 'st'])).toEqual(['status']);
  });

  it("completes a command's flags, and only that command's", async () => {
    expect(await complete(['vpt', 'monitor', '--dev'])).toEqual(['--devices']);
    expect(await complete(['vpt', 'investigate', '--he'])).toEqual(['--health', '--help']);
    expect(await complete(['vpt', 'tmp-clean', '--dev'])).toEqual([]);
    expect(await complete(['vpt', '--json', 'investigate', '--cache'])).toEqual(['--cache-dirs']);
  });

  it('completes device names under the stream root (VPT_STREAM_ROOT or --stream-root), in comma lists too', async () => {
    expect(await complete(['vpt', 'monitor', '--devices', ''])).toEqual(['capture1', 'capture10', 'capture2']);
    // Only the name after the last comma is completed, and a name already in the list is not offered again.
    expect(await complete(['vpt', 'monitor', '--devices', 'capture1,ca'])).toEqual(['capture1,capture10', 'capture1,capture2']);
    expect(await complete(['vpt', 'monitor', '--devices', 'capture2,capture1,c'])).toEqual(['capture2,capture1,capture10']);
    const other = path.join(tmp.dir, 'other');
    await mkdir(path.join(other, 'capture7'), { recursive: true });
    expect(await complete(['vpt', 'monitor', '--stream-root', other, '--devices', 'c'])).toEqual(['capture7']);
  });

  it("completes incidents' actions, then its flags, and --type's incident types", async () => {
    expect(await complete(['vpt', 'incidents', ''])).toEqual(['list', 'prune', 'show']);
    expect(await complete(['vpt', 'incidents', 'p'])).toEqual(['prune']);
    expect(await complete(['vpt', 'incidents', '--device', 'capture1', ''])).toEqual(['list', 'prune', 'show']);
    expect(await complete(['vpt', 'incidents', 'prune', '--o'])).toEqual(['--older-than', '--open']);
    expect(await complete(['vpt', 'incidents', 'list', '--op'])).toEqual(['--open']);
    expect(await complete(['vpt', 'incidents', '--type', ''])).toEqual([
      'audio_loss',
      'blackscreen',
      'capture_stalled',
      'freeze',
      'macroblocks',
      'segments_stalled',
    ]);
    expect(await complete(['vpt', 'incidents', '--type', 'capture'])).toEqual(['capture_stalled']);
  });

  it('completes the shells of completion itself, and refuses an unknown shell in one line', async () => {
    expect(await complete(['vpt', 'completion', ''])).toEqual(['bash', 'fish', 'zsh']);
    const run = await runVpt(['completion', 'tcsh']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: completion: "tcsh" is not a supported shell; use one of bash, zsh, fish');
    const bare = await runVpt(['completion']);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr.trim()).toBe('vpt: completion: name a shell: vpt completion bash|zsh|fish');
  });

  it('zsh and fish scripts cover the same commands and the device lister', async () => {
    const zsh = await runVpt(['completion', 'zsh']);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -o default -F _vpt vpt');
    const fish = await runVpt(['completion', 'fish']);
    expect(fish.stdout).toContain('complete -c vpt -n "__fish_seen_subcommand_from monitor" -l devices -x -a "(__vpt_devices)"');
    expect(fish.stdout).toMatch(/-a "monitor incidents status investigate journald-limits tmp-clean setup completion"/);
  });
});

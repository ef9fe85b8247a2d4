import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * A device folder whose name is a command must stay a name in every shell: the script is loaded in
 * a real bash, a real interactive zsh (in a pseudo-terminal, TAB typed) and a real fish, and the
 * command in the folder's name must never run. These run with the temp folder as working folder,
 * where the command would create its file.
 */
const HOSTILE = 'capture$(touch${IFS}PWNED)';
const HOSTILE_BACKTICK = 'capture`touch${IFS}PWNED2`';

/**
 * zsh: in an interactive zsh, wait for its line editor (which flushes typeahead when it starts; it
 * announces itself with bracketed paste, ESC[?2004h), type the line and TAB TAB, then a command
 * that prints END42; the screen up to it.
 */
const ZSH_DRIVER = `zmodload zsh/zpty
zpty -b z "zsh -f -i"
zpty -w z "PS1='> '; unsetopt beep; source \${(q)1}; print READY"
zpty -r z line '*READY*2004h*'
zpty -w -n z "$2"$'\\t\\t'
zpty -w z $'\\C-u'"print END\\$((6*7))"
zpty -r z out '*END42*'
print -r -- "$out"
zpty -d z
`;

/** A test per shell installed on this machine (bash always; zsh and fish where present). */
function installed(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

describe('completion never evaluates the names it lists', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-completion-shells-');
    const stream = path.join(tmp.dir, 'stream');
    for (const device of ['capture1', 'capture2', HOSTILE, HOSTILE_BACKTICK]) await mkdir(path.join(stream, device), { recursive: true });
    for (const shell of ['bash', 'zsh', 'fish']) await writeFile(path.join(tmp.dir, `vpt.${shell}`), (await runVpt(['completion', shell])).stdout);
    await writeFile(path.join(tmp.dir, 'drive.zsh'), ZSH_DRIVER);
    env = { VPT_STREAM_ROOT: stream, HOME: tmp.dir };
  });
  afterAll(() => tmp.cleanup());

  async function nothingRan(): Promise<void> {
    expect((await readdir(tmp.dir)).filter((name) => name.startsWith('PWNED'))).toEqual([]);
  }

  it('bash: offers the names quoted, runs nothing', async () => {
    const program = `source vpt.bash; COMP_WORDS=(vpt monitor --devices "$1"); COMP_CWORD=3; _vpt; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const listed = (await execa('bash', ['--norc', '-c', program, 'bash', ''], { cwd: tmp.dir, env })).stdout.split('\n').sort();
    await nothingRan();
    expect(listed).toEqual(['capture1', 'capture2', 'capture\\$\\(touch\\$\\{IFS\\}PWNED\\)', 'capture\\`touch\\$\\{IFS\\}PWNED2\\`']);
    // What is offered, pasted back as a word, is the folder's name.
    const echoed = await execa('bash', ['--norc', '-c', `eval "printf '%s\\n' $1"`, 'bash', listed[2] ?? ''], { cwd: tmp.dir });
    expect(echoed.stdout).toBe(HOSTILE);
    await nothingRan();
  });

  it.runIf(installed('zsh'))('zsh: TAB in an interactive zsh lists the names, runs nothing', async () => {
    const drive = (line: string) => execa('zsh', ['-f', 'drive.zsh', 'vpt.zsh', line], { cwd: tmp.dir, env, timeout: 30_000 });
    const screen = (await drive('vpt monitor --devices capture1,')).stdout;
    await nothingRan();
    expect(screen).toContain('PWNED');
    expect(screen).toContain('capture1,capture2');
    expect(screen).not.toContain('capture1,capture1');
    expect((await drive('vpt incidents ')).stdout).toMatch(/list\s+prune\s+show/);
  });

  it.runIf(installed('fish'))('fish: lists the names as they are, runs nothing', async () => {
    const complete = async (line: string) =>
      (await execa('fish', ['-N', '-c', 'source vpt.fish; complete -C $argv[1]', line], { cwd: tmp.dir, env })).stdout.split('\n').sort();
    expect(await complete('vpt monitor --devices capture1,')).toEqual([`capture1,${HOSTILE}`, 'capture1,capture2', `capture1,${HOSTILE_BACKTICK}`]);
    await nothingRan();
    expect(await complete('vpt incidents ')).toEqual(['list', 'prune', 'show']);
    expect((await complete('vpt incidents --type s'))[0]).toBe('segments_stalled');
  });
});

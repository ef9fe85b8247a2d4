import { UsageError } from '../../core/errors.js';
import type { Ui } from '../../ui.js';
import { bashScript } from './bash-script.js';
import { COMPLETION_SHELLS, type CompletionSpec } from './completion-spec.js';
import { fishScript } from './fish-script.js';

/**
 * `vpt completion bash|zsh|fish`: a completion script for commands, actions, flags, flag values and
 * device names. The words come from the commander program (so they never drift from the flags);
 * device names are listed when completing, from the capture* folders under --stream-root (or
 * VPT_STREAM_ROOT, else the default), so the script needs no vpt process at TAB time.
 */

type Shell = (typeof COMPLETION_SHELLS)[number];

function zshScript(spec: CompletionSpec): string {
  return `# vpt completion for zsh (through zsh's bash completion layer). Install: add
# 'source <(vpt completion zsh)' to ~/.zshrc, or save it as a file and source that.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(spec).split('\n').slice(2).join('\n')}`;
}

function completionScript(shell: string | undefined, spec: CompletionSpec): string {
  const shells = COMPLETION_SHELLS.join(', ');
  if (shell === undefined) throw new UsageError(`completion: name a shell: vpt completion ${COMPLETION_SHELLS.join('|')}`);
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: "${shell}" is not a supported shell; use one of ${shells}`);
  return { bash: bashScript, zsh: zshScript, fish: fishScript }[shell as Shell](spec);
}

export async function run(shell: string | undefined, spec: CompletionSpec, ui: Ui): Promise<number> {
  ui.out(completionScript(shell, spec).trimEnd());
  return 0;
}

import { UsageError } from '../../core/errors.js';
import type { Ui } from '../../ui.js';

/**
 * `vpt completion bash|zsh|fish`: a completion script for commands, flags and device names. The
 * words come from the commander program (so they never drift from the flags); device names are
 * listed when completing, from the capture* folders under --stream-root (or VPT_STREAM_ROOT, else
 * the default), so the script needs no vpt process at TAB time.
 */

export interface CompletionSpec {
  commands: { name: string; flags: string[] }[];
  globalFlags: string[];
  streamRootDefault: string;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** Flags whose value is a path: the shell's own file completion. */
const PATH_FLAGS = ['--stream-root', '--log-dir', '--state-dir', '--dir', '--root', '--prom', '--cache-dirs', '--proc-root'];

function bash(spec: CompletionSpec): string {
  const cases = spec.commands.map((c) => `    ${c.name}) flags="${c.flags.join(' ')}" ;;`).join('\n');
  return `# vpt completion for bash. Install: vpt completion bash | sudo tee /etc/bash_completion.d/vpt
# (or add 'source <(vpt completion bash)' to ~/.bashrc).
_vpt_devices() {
  local root="\${VPT_STREAM_ROOT:-${spec.streamRootDefault}}" i d
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ "\${COMP_WORDS[i]}" == --stream-root ]] && root="\${COMP_WORDS[i + 1]}"
  done
  for d in "$root"/capture*/; do
    [[ -d "$d" ]] && d="\${d%/}" && printf '%s\\n' "\${d##*/}"
  done
}
_vpt() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD - 1]}" cmd="" flags="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ "$prev" == --devices ]]; then
    # A comma-separated list: complete the name after the last comma.
    local prefix="" last="$cur"
    [[ "$cur" == *,* ]] && prefix="\${cur%,*}," && last="\${cur##*,}"
    COMPREPLY=($(compgen -P "$prefix" -W "$(_vpt_devices)" -- "$last"))
    return
  fi
  case "$prev" in ${PATH_FLAGS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  if [[ "$prev" == completion ]]; then COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")); return; fi
  case "$cmd" in
${cases}
    *) COMPREPLY=($(compgen -W "${spec.commands.map((c) => c.name).join(' ')} ${spec.globalFlags.join(' ')}" -- "$cur")); return ;;
  esac
  COMPREPLY=($(compgen -W "$flags ${spec.globalFlags.join(' ')}" -- "$cur"))
}
complete -o default -F _vpt vpt
`;
}

function zsh(spec: CompletionSpec): string {
  return `# vpt completion for zsh (through zsh's bash completion layer). Install: add
# 'source <(vpt completion zsh)' to ~/.zshrc, or save it as a file and source that.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(spec).split('\n').slice(2).join('\n')}`;
}

function fish(spec: CompletionSpec): string {
  const names = spec.commands.map((c) => c.name).join(' ');
  const flag = (f: string) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
  const lines = [
    '# vpt completion for fish. Install: vpt completion fish > ~/.config/fish/completions/vpt.fish',
    'function __vpt_devices',
    `    set -l root (set -q VPT_STREAM_ROOT; and echo $VPT_STREAM_ROOT; or echo ${spec.streamRootDefault})`,
    '    set -l tokens (commandline -opc)',
    '    set -l i (contains -i -- --stream-root $tokens); and set root $tokens[(math $i + 1)]',
    '    for d in $root/capture*/',
    '        basename $d',
    '    end',
    'end',
    `complete -c vpt -f -n "not __fish_seen_subcommand_from ${names}" -a "${names}"`,
    ...spec.globalFlags.map((f) => `complete -c vpt ${flag(f)}`),
    ...spec.commands.flatMap((c) =>
      c.flags.map((f) => {
        const extra = f === '--devices' ? ' -x -a "(__vpt_devices)"' : PATH_FLAGS.includes(f) ? ' -r -F' : '';
        return `complete -c vpt -n "__fish_seen_subcommand_from ${c.name}" ${flag(f)}${extra}`;
      }),
    ),
    `complete -c vpt -f -n "__fish_seen_subcommand_from completion" -a "${SHELLS.join(' ')}"`,
  ];
  return `${lines.join('\n')}\n`;
}

function completionScript(shell: string, spec: CompletionSpec): string {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: "${shell}" is not a supported shell; use one of ${SHELLS.join(', ')}`);
  return { bash, zsh, fish }[shell as Shell](spec);
}

export async function run(shell: string, spec: CompletionSpec, ui: Ui): Promise<number> {
  ui.out(completionScript(shell, spec).trimEnd());
  return 0;
}

import { COMPLETION_SHELLS, type CompletionSpec, PATH_FLAGS } from './completion-spec.js';

/**
 * The bash script (zsh sources the same functions through bashcompinit). Nothing the script lists
 * is ever evaluated: `compgen -W` expands its word list (a folder named `capture$(touch x)` ran
 * `touch x` at TAB), so device names and flag values are matched as plain strings in a loop, and
 * every reply is read line by line into COMPREPLY (no unquoted `$(...)`, which would glob).
 */
export function bashScript(spec: CompletionSpec): string {
  const cases = spec.commands
    .map((c) => `    ${c.name}) flags=${shellWord(c.flags.join(' '))}; actions=${shellWord((c.actions ?? []).join(' '))} ;;`)
    .join('\n');
  const valueCases = Object.entries(spec.flagValues)
    .map(([flag, words]) => `    ${flag}) _vpt_words ${shellWord(words.join(' '))} "$cur"; return ;;`)
    .join('\n');
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
# COMPREPLY = the lines of stdin, unchanged.
_vpt_lines() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do COMPREPLY+=("$line"); done
}
# COMPREPLY = the words of $1 (our own, space-separated) that start with $2, compared as strings.
_vpt_words() {
  local w
  COMPREPLY=()
  for w in $1; do [[ "$w" == "$2"* ]] && COMPREPLY+=("$w"); done
}
_vpt() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD - 1]}" cmd="" at=0 flags="" actions="" i d
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; at=$i; break ;; esac
  done
  if [[ "$prev" == --devices ]]; then
    # A comma-separated list: complete the name after the last comma, offer no name twice, and
    # quote what is offered (it is inserted into the command line).
    local prefix="" last="$cur"
    [[ "$cur" == *,* ]] && prefix="\${cur%,*}," && last="\${cur##*,}"
    COMPREPLY=()
    while IFS= read -r d; do
      [[ "$d" == "$last"* && ",$prefix" != *",$d,"* ]] || continue
      printf -v d '%q' "$d"
      COMPREPLY+=("$prefix$d")
    done < <(_vpt_devices)
    return
  fi
  case "$prev" in
    ${PATH_FLAGS.join('|')}) _vpt_lines < <(compgen -f -- "$cur"); return ;;
${valueCases}
  esac
  if [[ "$prev" == completion ]]; then _vpt_words ${shellWord(COMPLETION_SHELLS.join(' '))} "$cur"; return; fi
  case "$cmd" in
${cases}
    *) _vpt_words ${shellWord(`${spec.commands.map((c) => c.name).join(' ')} ${spec.globalFlags.join(' ')}`)} "$cur"; return ;;
  esac
  if [[ -n "$actions" && "$cur" != -* ]]; then
    # The command's action is its first word that is neither a flag nor a flag's value.
    local words=0
    for ((i = at + 1; i < COMP_CWORD; i++)); do
      case " ${spec.valueFlags.join(' ')} " in *" \${COMP_WORDS[i]} "*) ((i++)); continue ;; esac
      [[ "\${COMP_WORDS[i]}" == -* ]] || ((words++))
    done
    if ((words == 0)); then _vpt_words "$actions" "$cur"; return; fi
  fi
  _vpt_words "$flags ${spec.globalFlags.join(' ')}" "$cur"
}
complete -o default -F _vpt vpt
`;
}

/** A word of our own (flags, command names) in single quotes; they never hold a quote. */
function shellWord(text: string): string {
  return `'${text}'`;
}

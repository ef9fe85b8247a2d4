import { COMPLETION_SHELLS, type CompletionSpec, PATH_FLAGS } from './completion-spec.js';

/**
 * The fish script. fish never evaluates what a function prints; `__vpt_devices` completes the
 * name after the last comma of a `--devices` list and leaves out the names already in it.
 */
export function fishScript(spec: CompletionSpec): string {
  const names = spec.commands.map((c) => c.name).join(' ');
  const flag = (f: string) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
  const valueOf = (f: string) => {
    if (f === '--devices') return ' -x -a "(__vpt_devices)"';
    if (PATH_FLAGS.includes(f)) return ' -r -F';
    const words = spec.flagValues[f];
    return words === undefined ? '' : ` -x -a "${words.join(' ')}"`;
  };
  const lines = [
    '# vpt completion for fish. Install: vpt completion fish > ~/.config/fish/completions/vpt.fish',
    'function __vpt_devices',
    `    set -l root (set -q VPT_STREAM_ROOT; and echo $VPT_STREAM_ROOT; or echo ${spec.streamRootDefault})`,
    '    set -l tokens (commandline -opc)',
    '    set -l i (contains -i -- --stream-root $tokens); and set root $tokens[(math $i + 1)]',
    "    set -l prefix (string replace -r -- '[^,]*$' '' (commandline -ct))",
    '    set -l taken (string split -- , $prefix)',
    '    for d in $root/capture*/',
    '        set -l name (basename -- $d)',
    '        contains -- $name $taken; or printf "%s\\n" $prefix$name',
    '    end',
    'end',
    `complete -c vpt -f -n "not __fish_seen_subcommand_from ${names}" -a "${names}"`,
    ...spec.globalFlags.map((f) => `complete -c vpt ${flag(f)}`),
    ...spec.commands.flatMap((c) => [
      ...(c.actions === undefined
        ? []
        : [
            `complete -c vpt -f -n "__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${c.actions.join(' ')}" -a "${c.actions.join(' ')}"`,
          ]),
      ...c.flags.map((f) => `complete -c vpt -n "__fish_seen_subcommand_from ${c.name}" ${flag(f)}${valueOf(f)}`),
    ]),
    `complete -c vpt -f -n "__fish_seen_subcommand_from completion" -a "${COMPLETION_SHELLS.join(' ')}"`,
  ];
  return `${lines.join('\n')}\n`;
}

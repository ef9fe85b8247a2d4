import { ALL_INCIDENT_TYPES } from '../../core/events/types.js';

/** What a completion script offers, read from the commander program (src/cli.ts) so it never drifts from the flags. */
export interface CompletionSpec {
  commands: { name: string; flags: string[]; actions?: readonly string[] }[];
  globalFlags: string[];
  /** Flags that take a value: the word after one is its value, not the command's action. */
  valueFlags: string[];
  /** Flags whose value is one of a few words. */
  flagValues: Record<string, readonly string[]>;
  streamRootDefault: string;
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Flags whose value is a path: the shell's own file completion. */
export const PATH_FLAGS = ['--stream-root', '--log-dir', '--state-dir', '--dir', '--root', '--prom', '--cache-dirs', '--proc-root'];

/** The first word of `vpt incidents` (src/commands/incidents refuses any other). */
const INCIDENT_ACTIONS = ['list', 'show', 'prune'];

/** Words the program cannot tell: a command's actions and the values of `--type`. */
export function withCommandWords(spec: Omit<CompletionSpec, 'flagValues'>): CompletionSpec {
  return {
    ...spec,
    commands: spec.commands.map((c) => (c.name === 'incidents' ? { ...c, actions: INCIDENT_ACTIONS } : c)),
    flagValues: { '--type': ALL_INCIDENT_TYPES },
  };
}

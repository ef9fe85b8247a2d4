import { UsageError } from '../errors.js';

/**
 * A config file that cannot be used: every line names the file, the line and
 * the key. The one error whose message is several lines (one per problem):
 * `lines` keeps them apart, so the error printer escapes each line and a
 * newline inside any other error's message stays escaped.
 */
export class ConfigError extends UsageError {
  readonly lines: readonly string[];
  constructor(lines: string | readonly string[]) {
    const list = typeof lines === 'string' ? [lines] : lines;
    super(list.join('\n'));
    this.lines = list;
  }
}

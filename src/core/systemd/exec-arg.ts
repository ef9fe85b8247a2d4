import { UsageError } from '../errors.js';
import { escapeOutside } from '../text/escape-outside.js';

/**
 * One argument for ExecStart= (systemd.service(5) "Command lines"), for every
 * unit vpt writes (the monitor service, the health sample service): a control
 * character is refused (a newline would end the line and start a new
 * directive), `%` (specifiers) and `$` (variable expansion) are doubled, and
 * anything beyond plain path and flag characters is double-quoted, so the
 * argument reaches the program exactly as given.
 */
export function quoteExecArg(arg: string): string {
  if (/[\u0000-\u001f\u007f]/.test(arg)) throw new UsageError(`unit argument "${escapeOutside(arg)}" contains a control character`);
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[\w\-./:=,@+%$]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

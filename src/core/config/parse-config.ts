import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './config-error.js';
import { configSchema, type ConfigFile } from './config-schema.js';
import { keyLines, lineOf } from './key-lines.js';
import { escapeOutside } from '../text/escape-outside.js';

/** Errors listed for one file; the rest are counted. */
const ERRORS_LISTED = 20;

/** Parse and validate config text; `file` only names it in errors. */
export function parseConfig(file: string, text: string): ConfigFile {
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (err) {
    const e = err as { line?: number; message?: string };
    const what = (e.message ?? String(err)).split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new ConfigError(`${file}:${e.line ?? 1}: TOML syntax error: ${oneLine(what)}`);
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = keyLines(text);
  const located = result.error.issues.map((issue) => {
    // An unknown key is reported on its parent: point at the key itself.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const key =
      path.length > 0
        ? path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .slice(1)
        : '(top level)';
    const detail = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}` : issue.message;
    const line = lineOf(lines, path) ?? 1;
    return { line, text: `${file}:${line}: ${oneLine(key)}: ${oneLine(detail)}` };
  });
  const messages = located.sort((a, b) => a.line - b.line).map((m) => m.text);
  const shown = messages.slice(0, ERRORS_LISTED);
  if (messages.length > shown.length) shown.push(`${file}: ${messages.length - shown.length} more errors`);
  throw new ConfigError(shown);
}

/** A key or message from the file, kept on one line whatever bytes it holds. */
function oneLine(text: string): string {
  return escapeOutside(text);
}

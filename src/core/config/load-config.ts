import { promises as fs } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { errnoCode, UsageError } from '../errors.js';
import { configSchema, type ConfigFile } from './config-schema.js';
import { keyLines, lineOf } from './key-lines.js';

/** Where the monitor looks for its config when neither --config nor VPT_CONFIG names one. */
export const DEFAULT_CONFIG_FILE = '/etc/vpt/vpt.toml';
/** A config file larger than this is refused unread: it is a few KB of settings, never megabytes. */
const CONFIG_MAX_BYTES = 1024 * 1024;
/** Errors listed for one file; the rest are counted. */
const ERRORS_LISTED = 20;

/** A config file that cannot be used: every line names the file, the line and the key. */
export class ConfigError extends UsageError {}

export interface LoadedConfig {
  /** undefined: no file (the default path does not exist). */
  file: string | undefined;
  config: ConfigFile;
}

/**
 * Read and validate a config file. `required`: the file was named (flag or
 * environment), so a missing file is an error; the default path is simply
 * skipped when absent.
 */
export async function loadConfig(file: string, required: boolean): Promise<LoadedConfig> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new ConfigError(`${file}: not a regular file`);
    if (stat.size > CONFIG_MAX_BYTES) throw new ConfigError(`${file}: ${stat.size} bytes, more than a config file can be (${CONFIG_MAX_BYTES})`);
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = errnoCode(err);
    if (code === 'ENOENT' && !required) return { file: undefined, config: {} };
    throw new ConfigError(`${file}: cannot read the config file (${code ?? String(err)})`);
  }
  return { file, config: parseConfig(file, text) };
}

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
  throw new ConfigError(shown.join('\n'));
}

/** A key or message from the file, kept on one line whatever bytes it holds. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}

import { promises as fs } from 'node:fs';
import { errnoCode } from '../errors.js';
import { ConfigError } from './config-error.js';
import type { ConfigFile } from './config-schema.js';

/** Where the monitor looks for its config when neither --config nor VPT_CONFIG names one. */
export const DEFAULT_CONFIG_FILE = '/etc/vpt/vpt.toml';
/** A config file larger than this is refused unread: it is a few KB of settings, never megabytes. */
const CONFIG_MAX_BYTES = 1024 * 1024;

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
  // The parser and its schema (zod, smol-toml: ~130 ms to load here) only when there is a file: a
  // monitor or a replay without one starts without them.
  const { parseConfig } = await import('./parse-config.js');
  return { file, config: parseConfig(file, text) };
}

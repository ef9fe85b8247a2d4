import { errnoCode } from '../errors.js';
import { RefusedFileError, readBoundedFile } from '../fs/bounded-read.js';
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
    // Checked and read on one descriptor opened non-blocking: a stat then an open let a FIFO renamed
    // in between (SIGHUP while the file flips) block thread-pool threads for good.
    text = await readBoundedFile(file, CONFIG_MAX_BYTES);
  } catch (err) {
    if (err instanceof RefusedFileError && err.kind === 'not-regular') throw new ConfigError(`${file}: ${err.reason}`);
    if (err instanceof RefusedFileError) throw new ConfigError(`${file}: ${err.reason}: more than a config file can be`);
    const code = errnoCode(err);
    if (code === 'ENOENT' && !required) return { file: undefined, config: {} };
    throw new ConfigError(`${file}: cannot read the config file (${code ?? String(err)})`);
  }
  // The parser and its schema (zod, smol-toml: ~130 ms to load here) only when there is a file: a
  // monitor or a replay without one starts without them.
  const { parseConfig } = await import('./parse-config.js');
  return { file, config: parseConfig(file, text) };
}

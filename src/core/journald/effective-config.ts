import { close, fstat, open, readFile } from '../fs/fs-async.js';
import { VptError, EXIT, PermissionError, errnoCode } from '../errors.js';
import { listJournaldConfFiles, type JournaldConfFiles } from './conf-files.js';
import { parseJournaldConf } from './conf-parser.js';

/** journald.conf files are a few KB; anything this big is not a config file. */
export const MAX_CONF_BYTES = 1024 * 1024;

/** Old spellings journald still accepts for the same setting (journald-gperf). */
const KEY_ALIASES: Record<string, string> = {
  RateLimitInterval: 'RateLimitIntervalSec',
};

export interface Setting {
  value: string;
  /** The file whose assignment won. */
  source: string;
  line: number;
}

export interface ConfText {
  path: string;
  text: string;
}

export interface ConfIssue {
  file: string;
  line: number;
  message: string;
}

export interface MergedSettings {
  settings: Map<string, Setting>;
  warnings: ConfIssue[];
}

/**
 * Fold config texts in the order journald reads them (main file, then
 * drop-ins by name): a later assignment overrides an earlier one, an empty
 * value resets the key to journald's default.
 */
export function mergeConfTexts(files: readonly ConfText[]): MergedSettings {
  const settings = new Map<string, Setting>();
  const warnings: ConfIssue[] = [];
  for (const file of files) {
    const parsed = parseJournaldConf(file.text);
    for (const w of parsed.warnings) warnings.push({ file: file.path, ...w });
    for (const a of parsed.assignments) {
      const key = KEY_ALIASES[a.key] ?? a.key;
      if (a.value === '') settings.delete(key);
      else settings.set(key, { value: a.value, source: file.path, line: a.line });
    }
  }
  return { settings, warnings };
}

export interface EffectiveConfig extends MergedSettings {
  root: string;
  files: JournaldConfFiles;
}

/** Read the config journald would use under `root` and fold it. */
export async function resolveJournaldConfig(root: string): Promise<EffectiveConfig> {
  const files = await listJournaldConfFiles(root);
  const toRead = [
    ...(files.main !== undefined ? [{ path: files.main, readPath: files.mainReadPath ?? files.main }] : []),
    ...files.dropIns.filter((d) => d.status === 'used'),
  ];
  const texts: ConfText[] = [];
  for (const file of toRead) texts.push({ path: file.path, text: await readConf(file.readPath) });
  return { root, files, ...mergeConfTexts(texts) };
}

async function readConf(file: string): Promise<string> {
  try {
    const fd = await open(file, 'r');
    try {
      const { size } = await fstat(fd);
      if (size > MAX_CONF_BYTES) {
        throw new VptError(`${file} is ${size} bytes, too large for a journald config file (limit ${MAX_CONF_BYTES})`, EXIT.unknown);
      }
      return await readFile(fd, 'utf8');
    } finally {
      await close(fd);
    }
  } catch (err) {
    if (errnoCode(err) === 'EACCES') throw new PermissionError(`cannot read ${file}: permission denied (try with sudo)`, { cause: err });
    throw err;
  }
}

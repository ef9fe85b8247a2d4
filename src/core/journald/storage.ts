import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import type { Setting } from './effective-config.js';

/**
 * Where the journal actually lives, from Storage= (journald.conf(5)):
 * volatile keeps it in /run/log/journal (RAM, lost at reboot), persistent in
 * /var/log/journal, auto on disk only when /var/log/journal exists, none
 * nowhere. Raspberry Pi OS ships Storage=volatile in
 * /usr/lib/systemd/journald.conf.d/40-rpi-volatile-storage.conf.
 */

export type StorageMode = 'volatile' | 'persistent' | 'auto' | 'none';
export type JournalLocation = 'ram' | 'disk' | 'none';

export const RUNTIME_JOURNAL_DIR = 'run/log/journal';
export const PERSISTENT_JOURNAL_DIR = 'var/log/journal';
/** journald's default when Storage= is unset or unreadable. */
const DEFAULT_STORAGE: StorageMode = 'auto';
const MODES: readonly string[] = ['volatile', 'persistent', 'auto', 'none'];

export interface StorageInfo {
  /** Storage= as configured, or journald's default. */
  mode: StorageMode;
  /** The file that set it, or "default". */
  source: string;
  /** The configured text when journald would not recognise it. */
  invalidValue?: string;
  persistentDirExists: boolean;
  location: JournalLocation;
  /** Plain words for the operator about what this means for the limits. */
  note: string;
}

/** Pure: what a Storage= setting means, given whether /var/log/journal exists. */
export function describeStorage(setting: Setting | undefined, persistentDirExists: boolean): StorageInfo {
  const raw = setting?.value;
  const known = raw !== undefined && MODES.includes(raw);
  const mode = (known ? raw : DEFAULT_STORAGE) as StorageMode;
  const source = setting?.source ?? 'default';
  const location: JournalLocation = mode === 'none' ? 'none' : mode === 'volatile' ? 'ram' : mode === 'persistent' || persistentDirExists ? 'disk' : 'ram';
  const inRam =
    'so only the Runtime* limits (RuntimeMaxUse) bound it; the System* limits are shown but do not count. ' +
    '`vpt journald-limits --apply --persistent` moves the journal to /var/log/journal.';
  let note: string;
  if (location === 'none') note = 'Storage=none: journald keeps no journal, so the size limits have nothing to bound.';
  else if (mode === 'volatile') note = `Storage=volatile: the journal lives only in RAM (/run/log/journal) and is lost at reboot, ${inRam}`;
  else if (location === 'ram') note = `Storage=auto and /var/log/journal does not exist: the journal lives only in RAM (/run/log/journal), ${inRam}`;
  else note = 'The journal is kept on disk in /var/log/journal (System* limits), and in /run/log/journal only during early boot (Runtime* limits).';
  if (raw !== undefined && !known) note = `Storage=${raw} is not a value journald knows; it falls back to auto. ${note}`;
  return { mode, source, ...(raw !== undefined && !known ? { invalidValue: raw } : {}), persistentDirExists, location, note };
}

export async function resolveStorage(root: string, setting: Setting | undefined): Promise<StorageInfo> {
  return describeStorage(setting, await isDirectory(path.join(root, PERSISTENT_JOURNAL_DIR)));
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}

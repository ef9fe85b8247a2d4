import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The few journald settings the investigation needs (Storage, RuntimeMaxUse),
 * resolved as journald.conf(5) says: journald.conf, then the drop-ins of
 * /etc, /run, /usr/local/lib and /usr/lib sorted by file name, a file in
 * /etc hiding one of the same name further down, later files winning.
 */

const DROP_IN_DIRS = ['etc', 'run', 'usr/local/lib', 'usr/lib'];
/** A handful of drop-ins is normal; a folder of thousands is not config. */
export const MAX_DROP_INS = 256;

/** `[Journal]` keys of one file; comments and other sections ignored. */
export function parseJournaldConf(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let inJournal = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      inJournal = section[1] === 'Journal';
      continue;
    }
    const match = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (inJournal && match) values.set(match[1]!, match[2]!.trim());
  }
  return values;
}

export interface JournaldSetting {
  value: string;
  file: string;
}

export async function readJournaldSettings(rootfs: string): Promise<Map<string, JournaldSetting>> {
  const files = [path.join(rootfs, 'etc/systemd/journald.conf')];
  const dropIns = new Map<string, string>();
  for (const dir of DROP_IN_DIRS) {
    const folder = path.join(rootfs, dir, 'systemd/journald.conf.d');
    const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.conf'));
    for (const name of names.slice(0, MAX_DROP_INS)) if (!dropIns.has(name)) dropIns.set(name, path.join(folder, name));
  }
  files.push(...[...dropIns.keys()].sort().map((name) => dropIns.get(name)!));
  const settings = new Map<string, JournaldSetting>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    for (const [key, value] of parseJournaldConf(text)) settings.set(key, { value, file });
  }
  return settings;
}

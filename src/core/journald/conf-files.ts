import { opendir, stat } from '../fs/fs-async.js';
import { chaseUnderRoot } from './chase-under-root.js';
import path from 'node:path';
import { PermissionError, VptError, EXIT, errnoCode } from '../errors.js';

/**
 * Which journald.conf files count, in journald.conf(5) / systemd's
 * conf-files order. Folders in priority order: a drop-in name in an earlier
 * folder hides the same name further down; the surviving drop-ins apply
 * sorted by file name, whatever folder they live in. The root is a parameter
 * so an image or a test tree can be inspected like the live system.
 */
export const CONF_DIRS = ['etc/systemd', 'run/systemd', 'usr/local/lib/systemd', 'usr/lib/systemd'] as const;
export const MAIN_CONF_NAME = 'journald.conf';
export const DROP_IN_DIR_NAME = 'journald.conf.d';
/** A real host has a handful of drop-ins; thousands mean something is generating files in a loop. */
export const MAX_DROP_INS = 1024;

export type DropInStatus = 'used' | 'disabled' | 'shadowed' | 'ignored';

export interface DropInFile {
  name: string;
  path: string;
  /** Where its text is read: `path` with its links resolved under the root (chaseUnderRoot). */
  readPath: string;
  /**
   * used: read and applied; disabled: a link to /dev/null or an empty file,
   * which also hides the same name in lower folders; shadowed: a higher
   * folder has the same name; ignored: not a readable regular file.
   */
  status: DropInStatus;
  /** For shadowed files: the file that hides this one. */
  by?: string;
}

export interface JournaldConfFiles {
  /** The main journald.conf (first found in CONF_DIRS order), if any. */
  main?: string;
  /** Where the main file's text is read (its links resolved under the root). */
  mainReadPath?: string;
  /** Every drop-in considered, sorted by name (the order journald applies them). */
  dropIns: DropInFile[];
}

export async function listJournaldConfFiles(root: string, maxDropIns = MAX_DROP_INS): Promise<JournaldConfFiles> {
  let main: string | undefined;
  let mainReadPath: string | undefined;
  for (const dir of CONF_DIRS) {
    const candidate = path.join(root, dir, MAIN_CONF_NAME);
    const chased = await chaseUnderRoot(root, candidate);
    if (chased !== undefined && (await classify(chased)) !== 'missing') {
      main = candidate;
      mainReadPath = chased;
      break;
    }
  }
  const byName = new Map<string, DropInFile>();
  const shadowed: DropInFile[] = [];
  let budget = maxDropIns;
  for (const dir of CONF_DIRS) {
    const folder = path.join(root, dir, DROP_IN_DIR_NAME);
    const chasedFolder = await chaseUnderRoot(root, folder);
    const names = chasedFolder === undefined ? [] : await confNames(chasedFolder, budget, maxDropIns);
    budget -= names.length;
    for (const name of names) {
      const file = path.join(folder, name);
      // Under --root, links resolve inside the root: an image's absolute link never reads this host's files.
      const readPath = (await chaseUnderRoot(root, file)) ?? file;
      const winner = byName.get(name);
      if (winner) {
        shadowed.push({ name, path: file, readPath, status: 'shadowed', by: winner.path });
        continue;
      }
      const kind = await classify(readPath);
      // A missing target or a folder named *.conf does not hide anything: systemd skips it.
      if (kind === 'missing' || kind === 'other') {
        shadowed.push({ name, path: file, readPath, status: 'ignored' });
        continue;
      }
      byName.set(name, { name, path: file, readPath, status: kind === 'null' ? 'disabled' : 'used' });
    }
  }
  // Plain code-unit order, like systemd's strcmp, not the locale's.
  const dropIns = [...byName.values(), ...shadowed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { main, mainReadPath, dropIns };
}

type FileKind = 'file' | 'null' | 'missing' | 'other';

/** Follows links, as systemd does on the live system (under --root the caller has chased them first): /dev/null is a character device, which masks. */
async function classify(file: string): Promise<FileKind> {
  try {
    const st = await stat(file);
    if (st.isCharacterDevice()) return 'null';
    if (!st.isFile()) return 'other';
    return st.size === 0 ? 'null' : 'file';
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return 'missing';
    if (code === 'EACCES') throw new PermissionError(`cannot read ${file}: permission denied (try with sudo)`, { cause: err });
    throw err;
  }
}

/**
 * `*.conf` names in a folder, skipping hidden files (editor and atomic-write
 * temp files). Streams the folder so a runaway one costs at most `budget` names.
 */
async function confNames(folder: string, budget: number, limit: number): Promise<string[]> {
  try {
    const names: string[] = [];
    for await (const entry of await opendir(folder)) {
      if (!entry.name.endsWith('.conf') || entry.name.startsWith('.')) continue;
      if (names.length === budget) {
        throw new VptError(`more than ${limit} journald drop-ins (limit reached in ${folder}): look for a tool generating files there`, EXIT.unknown);
      }
      names.push(entry.name);
    }
    return names.sort();
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    if (code === 'EACCES') throw new PermissionError(`cannot list ${folder}: permission denied (try with sudo)`, { cause: err });
    throw err;
  }
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { errnoCode } from '../errors.js';
import { JOURNAL_SECTION } from './conf-parser.js';
import { DROP_IN_DIR_NAME } from './conf-files.js';
import type { LimitValue } from './limits.js';
import { resolveInRoot } from './root-path.js';
import { PERSISTENT_JOURNAL_DIR } from './storage.js';

/**
 * vpt's own drop-in. journald.conf itself is never edited: a drop-in in /etc
 * survives package upgrades and is removed with one `rm`. The name sorts
 * after Raspberry Pi OS's 40-rpi-volatile-storage.conf, so --persistent wins
 * over it, and leaves room for a site's own 70-* or 90-* to override vpt.
 */
export const DROP_IN_NAME = '60-vpt-limits.conf';
export const DROP_IN_MODE = 0o644;
/** journald reads the journal folder; systemd-tmpfiles fixes group and ACLs at boot. */
const JOURNAL_DIR_MODE = 0o755;

const DROP_IN_DIR = path.join('etc/systemd', DROP_IN_DIR_NAME);

/** Where the drop-in goes, as shown to the operator (before resolving links). */
export function dropInPath(root: string): string {
  return path.join(root, DROP_IN_DIR, DROP_IN_NAME);
}

/**
 * Where the drop-in is really written: its folder resolved inside `root`, so an
 * image's absolute link (`etc/systemd/journald.conf.d -> /etc/...`) cannot send
 * the write to the host. The file name itself is replaced by rename, never followed.
 */
async function resolvedDropInPath(root: string): Promise<string> {
  return path.join(await resolveInRoot(root, DROP_IN_DIR), DROP_IN_NAME);
}

/** The exact file content: no timestamp, so the same flags always give the same bytes. */
export function renderDropIn(values: readonly LimitValue[], persistent: boolean): string {
  const lines = [
    '# Written by `vpt journald-limits --apply`: keeps the systemd journal bounded in RAM and on disk.',
    '# Re-run that command to change these values; edits made here are overwritten.',
    `[${JOURNAL_SECTION}]`,
    ...values.map((v) => `${v.spec.key}=${v.text}`),
    ...(persistent ? ['Storage=persistent'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export interface WriteDropInResult {
  path: string;
  /** False when the file already had exactly this content and mode. */
  changed: boolean;
  /** The persistent journal folder, when --persistent asked for it; created tells whether it was new. */
  journalDir?: { path: string; created: boolean };
}

/** Write the drop-in atomically (0644, folder created when missing), unless it is already identical. */
export async function writeDropIn(root: string, content: string, persistent: boolean): Promise<WriteDropInResult> {
  const target = await resolvedDropInPath(root);
  const journalDir = persistent ? await resolveInRoot(root, PERSISTENT_JOURNAL_DIR) : undefined;
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  const changed = !(await hasContent(target, content));
  if (changed) await writeFileAtomic(target, content, { mode: DROP_IN_MODE });
  const result: WriteDropInResult = { path: target, changed };
  if (journalDir) {
    const created = (await fs.mkdir(journalDir, { recursive: true, mode: JOURNAL_DIR_MODE })) !== undefined;
    result.journalDir = { path: journalDir, created };
  }
  return result;
}

/** Whether the drop-in already holds exactly this content with mode 0644 (--dry-run and idempotence). */
export async function isDropInCurrent(root: string, content: string): Promise<boolean> {
  return hasContent(await resolvedDropInPath(root), content);
}

async function hasContent(file: string, content: string): Promise<boolean> {
  try {
    const st = await fs.lstat(file);
    if (!st.isFile() || (st.mode & 0o7777) !== DROP_IN_MODE) return false;
    return (await fs.readFile(file, 'utf8')) === content;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Write files (relative path -> content) under a fake root, creating folders. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, content);
  }
}

/** Every path under root with its content (files) or link target, for "nothing was written" checks. */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, full);
    if (entry.isSymbolicLink()) out[rel] = `-> ${await fs.readlink(full)}`;
    else if (entry.isDirectory()) out[rel] = '<dir>';
    else out[rel] = await fs.readFile(full, 'utf8');
  }
  return out;
}

export const ETC_D = 'etc/systemd/journald.conf.d';
export const RUN_D = 'run/systemd/journald.conf.d';
export const LOCAL_D = 'usr/local/lib/systemd/journald.conf.d';
export const USR_D = 'usr/lib/systemd/journald.conf.d';
export const RPI_VOLATILE = `${USR_D}/40-rpi-volatile-storage.conf`;
export const RPI_VOLATILE_TEXT = '[Journal]\nStorage=volatile\n';

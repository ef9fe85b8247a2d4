import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VptError, EXIT, errnoCode } from '../errors.js';
import { resolveInRoot } from '../journald/root-path.js';

/**
 * The record `vpt setup` keeps of what it installed (host paths): each file with the SHA-256 of the
 * bytes it wrote, the folders it created, the units it enabled. --uninstall removes exactly these,
 * and keeps a file the operator changed since.
 */
export interface SetupManifest {
  version: 1;
  files: { path: string; sha256: string }[];
  dirs: string[];
  units: string[];
}

/** Bound on the manifest read: a few dozen paths are ~2 KB; anything this large is not ours. */
const MANIFEST_MAX_BYTES = 64 * 1024;

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** `hostPath` (absolute, as the host sees it) under `root`, its folder resolved without leaving root. */
export async function inRoot(root: string, hostPath: string): Promise<string> {
  return path.join(await resolveInRoot(root, path.dirname(hostPath)), path.basename(hostPath));
}

/** The bytes of a regular file (a link or a folder is never read), or undefined when there is none. */
export async function readRegular(file: string, maxBytes: number): Promise<Buffer | undefined> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  if (!st.isFile() || st.size > maxBytes) return undefined;
  return fs.readFile(file);
}

export function renderManifest(manifest: SetupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The manifest at `file`, undefined when there is none; one clear error when it is not one. */
export async function readManifest(file: string): Promise<SetupManifest | undefined> {
  const bytes = await readRegular(file, MANIFEST_MAX_BYTES);
  if (bytes === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    data = undefined;
  }
  const m = data as Partial<SetupManifest> | undefined;
  const paths = (list: unknown) => Array.isArray(list) && list.every((p) => typeof p === 'string' && path.isAbsolute(p) && !p.split('/').includes('..'));
  const valid =
    m?.version === 1 &&
    Array.isArray(m.files) &&
    m.files.every((f) => typeof f?.sha256 === 'string' && paths([f.path])) &&
    paths(m.dirs) &&
    Array.isArray(m.units) &&
    m.units.every((u) => typeof u === 'string' && /^[\w@.-]+\.(service|timer)$/.test(u));
  if (!valid) throw new VptError(`${file} is not a vpt setup manifest; remove it by hand if vpt did not write it`, EXIT.critical);
  return m as SetupManifest;
}

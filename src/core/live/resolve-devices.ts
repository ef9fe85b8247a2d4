import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import { printable } from '../units.js';

export const ACTIVE_CAPTURES_FILE = 'active_captures.conf';

export interface ResolvedDevices {
  devices: string[];
  source: 'flag' | 'active_captures.conf' | 'scan';
}

/** A device is a plain folder name under the stream root: no path tricks. */
export function validateDeviceName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\u0000]/.test(name) || name.includes('..')) {
    throw new UsageError(`--devices: "${printable(name)}" is not a device folder name (a plain name such as capture1, no "/" or "..")`);
  }
  return name;
}

/**
 * `active_captures.conf` lines are `<device-base-dir>,<pid>,<quality>`; the
 * device is the last component of the base dir. Comments and blank lines
 * are skipped; duplicates kept once.
 */
export function parseActiveCaptures(text: string): string[] {
  const devices: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const base = trimmed.split(',')[0]!.trim().replace(/\/+$/, '');
    const name = path.basename(base);
    if (name && !devices.includes(name)) devices.push(name);
  }
  return devices;
}

/**
 * DESIGN.md: `--devices`; else the devices of active_captures.conf that
 * exist; else every `capture*` folder under the stream root. Named devices
 * need not exist yet (the monitor waits for them).
 */
export async function resolveDevices(streamRoot: string, flag: readonly string[] | undefined): Promise<ResolvedDevices> {
  if (flag && flag.length > 0) return { devices: [...new Set(flag.map(validateDeviceName))], source: 'flag' };
  const rootStat = await fs.stat(streamRoot).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') throw new UsageError(`stream root ${streamRoot} does not exist; pass --stream-root or set VPT_STREAM_ROOT`);
    throw err;
  });
  if (!rootStat.isDirectory()) throw new UsageError(`stream root ${streamRoot} is not a directory; pass --stream-root`);
  const conf = await fs.readFile(path.join(streamRoot, ACTIVE_CAPTURES_FILE), 'utf8').catch(() => undefined);
  if (conf !== undefined) {
    const listed = parseActiveCaptures(conf).filter((d) => !/[/\\\u0000]/.test(d) && d !== '..');
    const existing: string[] = [];
    for (const device of listed) if (await isDir(path.join(streamRoot, device))) existing.push(device);
    if (existing.length > 0) return { devices: existing, source: 'active_captures.conf' };
  }
  const entries = await fs.readdir(streamRoot, { withFileTypes: true });
  const found = entries.filter((e) => e.isDirectory() && /^capture/.test(e.name)).map((e) => e.name).sort(naturalOrder);
  if (found.length === 0) {
    throw new UsageError(`no capture* device folders under ${streamRoot}; pass --devices capture1,... (they are waited for) or fix --stream-root`);
  }
  return { devices: found, source: 'scan' };
}

async function isDir(p: string): Promise<boolean> {
  return fs
    .stat(p)
    .then((s) => s.isDirectory())
    .catch(() => false);
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_STATE_DIR } from './state-dir.js';

export interface FindStateDirSources {
  flag?: string;
  env?: NodeJS.ProcessEnv;
  systemDir?: string;
  homeDir?: string;
}

/**
 * The state dir a running (or past) monitor used, for the commands that only
 * read it (`vpt status`, `vpt incidents`): the same order as the monitor's
 * resolveStateDir (flag, VPT_STATE_DIR, /var/lib/vpt, the user dir), but
 * nothing is created: the first folder holding a monitor's files wins, else
 * the system one, so the "not found" message names the folder the user expects.
 */
export async function findStateDir(sources: FindStateDirSources = {}): Promise<string> {
  const env = sources.env ?? process.env;
  if (sources.flag) return path.resolve(sources.flag);
  if (env.VPT_STATE_DIR) return path.resolve(env.VPT_STATE_DIR);
  const system = sources.systemDir ?? SYSTEM_STATE_DIR;
  const home = sources.homeDir ?? os.homedir();
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  for (const dir of [system, path.join(xdg, 'vpt')]) {
    if ((await exists(path.join(dir, 'status.json'))) || (await exists(path.join(dir, 'incidents.db')))) return dir;
  }
  return system;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

import { constants as fsc, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PermissionError, UsageError, errnoCode } from '../errors.js';

/** Where a system-wide service keeps its state (FHS): the lock and incidents.db live here. */
export const SYSTEM_STATE_DIR = '/var/lib/vpt';

export interface StateDirSources {
  /** `--state-dir` (commander already folds VPT_STATE_DIR into it; `env` covers library callers). */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  /** Injected so tests never touch the real /var/lib. */
  systemDir?: string;
  homeDir?: string;
}

export interface ResolvedStateDir {
  dir: string;
  /** Which rule chose it, for the start-up log line. */
  source: 'flag' | 'env' | 'system' | 'user';
}

/**
 * The state dir, created if needed: `--state-dir`, else VPT_STATE_DIR, else
 * /var/lib/vpt when it can be created and written (root, or a prepared
 * folder), else $XDG_STATE_HOME/vpt or ~/.local/state/vpt.
 * A folder the user named explicitly must work: failing it is an error, not
 * a silent fallback to somewhere else.
 */
export async function resolveStateDir(sources: StateDirSources = {}): Promise<ResolvedStateDir> {
  const env = sources.env ?? process.env;
  if (sources.flag) return { dir: await ensureWritable(sources.flag, '--state-dir'), source: 'flag' };
  if (env.VPT_STATE_DIR) return { dir: await ensureWritable(env.VPT_STATE_DIR, 'VPT_STATE_DIR'), source: 'env' };
  const systemDir = sources.systemDir ?? SYSTEM_STATE_DIR;
  if (await tryWritable(systemDir)) return { dir: path.resolve(systemDir), source: 'system' };
  const home = sources.homeDir ?? os.homedir();
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  return { dir: await ensureWritable(path.join(xdg, 'vpt'), 'the user state dir'), source: 'user' };
}

async function tryWritable(dir: string): Promise<boolean> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fsc.W_OK | fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function ensureWritable(dir: string, what: string): Promise<string> {
  const resolved = path.resolve(dir);
  try {
    await fs.mkdir(resolved, { recursive: true });
    await fs.access(resolved, fsc.W_OK | fsc.X_OK);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new PermissionError(`state dir ${resolved} (${what}) is not writable; fix its permissions or choose another with --state-dir`, { cause: err });
    }
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new UsageError(`state dir ${resolved} (${what}) is not a directory; choose another with --state-dir`, { cause: err });
    }
    throw err;
  }
  return resolved;
}

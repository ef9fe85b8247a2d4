import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { PermissionError, UsageError, VptError, EXIT, errnoCode } from '../errors.js';
import { HEALTH_UNIT_PATHS } from '../probes/health-sampling.js';
import { systemdRunning } from '../probes/services.js';
import type { CommandRunner } from '../probes/types.js';
import { cronFiles, systemdFiles, TIMER_UNIT, type PlannedFile } from './health-install-files.js';
import { pathExists } from '../fs/path-exists.js';

/** One step of an install or uninstall, shown by --dry-run and reported after the real run. */
export type InstallAction = { kind: 'write'; path: string; content: string } | { kind: 'remove'; path: string } | { kind: 'run'; command: string[] };

export interface InstallRequest {
  mode: 'install' | 'uninstall';
  cron: boolean;
  /** Write under this root, and run no systemctl (image building, tests). */
  root: string | undefined;
  /** The command the timer or cron runs (absolute paths). */
  command: string[];
  user: string;
  isRoot: boolean;
  run: CommandRunner;
}

const SYSTEMCTL_TIMEOUT_MS = 30_000;

/** What install/uninstall would do, in order; nothing is touched. */
export async function planInstall(req: InstallRequest): Promise<InstallAction[]> {
  const root = req.root ?? '/';
  const live = req.root === undefined;
  const actions: InstallAction[] = [];
  if (req.mode === 'install') {
    const files: PlannedFile[] = req.cron ? cronFiles(req.command, req.user) : systemdFiles(req.command);
    for (const file of files) actions.push({ kind: 'write', path: path.join(root, file.path), content: file.content });
    if (live && !req.cron) {
      actions.push({ kind: 'run', command: ['systemctl', 'daemon-reload'] });
      actions.push({ kind: 'run', command: ['systemctl', 'enable', '--now', TIMER_UNIT] });
    }
    return actions;
  }
  const systemd = [HEALTH_UNIT_PATHS.timer, HEALTH_UNIT_PATHS.service].map((p) => path.join(root, p));
  const cron = path.join(root, HEALTH_UNIT_PATHS.cron);
  const present = async (files: string[]) => (await Promise.all(files.map(pathExists))).some(Boolean);
  const removeSystemd = !req.cron && (await present(systemd));
  if (removeSystemd && live && (await systemdRunning('/'))) actions.push({ kind: 'run', command: ['systemctl', 'disable', '--now', TIMER_UNIT] });
  if (removeSystemd) for (const file of systemd) if (await pathExists(file)) actions.push({ kind: 'remove', path: file });
  if (removeSystemd && live && (await systemdRunning('/'))) actions.push({ kind: 'run', command: ['systemctl', 'daemon-reload'] });
  if (await pathExists(cron)) actions.push({ kind: 'remove', path: cron });
  return actions;
}

/** Refuse early, with the fix, what would fail halfway. */
export async function checkInstallable(req: InstallRequest): Promise<void> {
  if (req.root !== undefined) return;
  if (!req.isRoot) {
    throw new PermissionError(
      `${req.mode === 'install' ? 'installing' : 'removing'} health sampling writes to /etc: run it with sudo (or use --root DIR to write elsewhere)`,
    );
  }
  if (req.mode === 'install' && !req.cron && !(await systemdRunning('/'))) {
    throw new UsageError('systemd is not running on this host (no /run/systemd/system): use --install --cron instead');
  }
}

export async function applyInstall(actions: readonly InstallAction[], run: CommandRunner): Promise<void> {
  for (const action of actions) {
    try {
      if (action.kind === 'write') {
        await mkdir(path.dirname(action.path), { recursive: true });
        await writeFileAtomic(action.path, action.content, { mode: 0o644 });
      } else if (action.kind === 'remove') {
        await rm(action.path, { force: true });
      } else {
        const [program, ...args] = action.command;
        const result = await run(program!, args, { timeoutMs: SYSTEMCTL_TIMEOUT_MS });
        if (result.exitCode !== 0) {
          throw new VptError(`${result.command} failed: ${result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`}`, EXIT.critical);
        }
      }
    } catch (err) {
      if (err instanceof VptError) throw err;
      const code = errnoCode(err);
      const target = action.kind === 'run' ? action.command.join(' ') : action.path;
      if (code === 'EACCES' || code === 'EPERM') throw new PermissionError(`cannot write ${target}: permission denied; run with sudo`);
      throw new VptError(`cannot ${action.kind} ${target}: ${(err as Error).message}`, EXIT.critical);
    }
  }
}

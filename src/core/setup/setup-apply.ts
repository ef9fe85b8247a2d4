import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { EXIT, PermissionError, VptError, errnoCode } from '../errors.js';
import { dropInPath } from '../journald/drop-in.js';
import type { CommandRunner } from '../probes/types.js';
import { inRoot, readRegular, renderManifest, sha256, type SetupManifest } from './setup-manifest.js';
import { MANIFEST_PATH, type SetupPlan } from './setup-plan.js';

/** One step of `vpt setup`, in order; paths are host paths (without --root). */
export type SetupAction =
  | { kind: 'mkdir'; path: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'remove'; path: string }
  | { kind: 'rmdir'; path: string }
  | { kind: 'keep'; path: string; reason: string }
  | { kind: 'run'; command: string[] };

/** Bound on reading back an installed file to compare it: units and drop-ins are a few KB. */
const INSTALLED_MAX_BYTES = 1024 * 1024;
const SYSTEMCTL_TIMEOUT_MS = 30_000;
const JOURNALD_RESTART = ['systemctl', 'restart', 'systemd-journald'];

const exists = (file: string) =>
  fs.lstat(file).then(
    () => true,
    () => false,
  );

/**
 * What installing `plan` changes under `root`: files whose bytes differ, folders missing, the
 * manifest, files of an earlier setup no longer planned, then (live) systemctl for what changed.
 * An empty list: everything is in place.
 */
export async function installActions(root: string, plan: SetupPlan, previous: SetupManifest | undefined, live: boolean): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  // Every folder this run creates, parents first (a file's folder too), so --uninstall removes them again.
  const created: string[] = [];
  const wanted = [...plan.dirs, path.dirname(MANIFEST_PATH), ...plan.files.map((f) => path.dirname(f.path))];
  for (const dir of wanted) {
    const missing: string[] = [];
    for (let d = dir; d !== path.dirname(d) && !created.includes(d) && !(await exists(await inRoot(root, d))); d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      actions.push({ kind: 'mkdir', path: d });
      created.push(d);
    }
  }
  const changed: string[] = [];
  for (const file of plan.files) {
    const current = await readRegular(await inRoot(root, file.path), INSTALLED_MAX_BYTES);
    if (current === undefined || !current.equals(Buffer.from(file.content))) {
      actions.push({ kind: 'write', ...file });
      changed.push(file.path);
    }
  }
  const planned = new Set(plan.files.map((f) => f.path));
  const dropped = (previous?.files ?? []).filter((f) => !planned.has(f.path));
  actions.push(...(await removeActions(root, dropped)));
  const manifest: SetupManifest = {
    version: 1,
    files: plan.files.map((f) => ({ path: f.path, sha256: sha256(f.content) })),
    dirs: [...new Set([...(previous?.dirs ?? []), ...created])],
    units: plan.units,
  };
  const manifestText = renderManifest(manifest);
  const currentManifest = await readRegular(await inRoot(root, MANIFEST_PATH), INSTALLED_MAX_BYTES);
  if (currentManifest === undefined || !currentManifest.equals(Buffer.from(manifestText)))
    actions.push({ kind: 'write', path: MANIFEST_PATH, content: manifestText });
  if (live) {
    const unitChanged = plan.units.filter((u) => changed.some((p) => path.basename(p) === u || path.basename(p) === u.replace(/\.timer$/, '.service')));
    if (unitChanged.length > 0 || dropped.length > 0) actions.push({ kind: 'run', command: ['systemctl', 'daemon-reload'] });
    if (unitChanged.length > 0) {
      actions.push({ kind: 'run', command: ['systemctl', 'enable', ...unitChanged] });
      actions.push({ kind: 'run', command: ['systemctl', 'restart', ...unitChanged] });
    }
    if (changed.includes(dropInPath('/'))) actions.push({ kind: 'run', command: JOURNALD_RESTART });
  }
  return actions;
}

/** Removing what the manifest lists: files still as setup wrote them, then its folders when empty. */
export async function uninstallActions(root: string, manifest: SetupManifest, live: boolean): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  if (live && manifest.units.length > 0) actions.push({ kind: 'run', command: ['systemctl', 'disable', '--now', ...manifest.units] });
  actions.push(...(await removeActions(root, manifest.files)));
  if (live && manifest.units.length > 0) actions.push({ kind: 'run', command: ['systemctl', 'daemon-reload'] });
  if (live && actions.some((a) => a.kind === 'remove' && a.path === dropInPath('/'))) actions.push({ kind: 'run', command: JOURNALD_RESTART });
  actions.push({ kind: 'remove', path: MANIFEST_PATH });
  const removed = new Set(actions.filter((a) => a.kind === 'remove').map((a) => a.path));
  // Deepest first; a folder is empty when everything in it is about to be removed.
  for (const dir of [...manifest.dirs].sort((a, b) => b.length - a.length)) {
    const target = await inRoot(root, dir);
    const left = (await fs.readdir(target).catch(() => undefined))?.filter((name) => !removed.has(path.join(dir, name)));
    if (left === undefined) continue;
    if (left.length === 0) {
      actions.push({ kind: 'rmdir', path: dir });
      removed.add(dir);
    } else actions.push({ kind: 'keep', path: dir, reason: `not empty (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', ...' : ''})` });
  }
  return actions;
}

async function removeActions(root: string, files: SetupManifest['files']): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  for (const file of files) {
    const current = await readRegular(await inRoot(root, file.path), INSTALLED_MAX_BYTES);
    if (current === undefined) continue;
    if (sha256(current) === file.sha256) actions.push({ kind: 'remove', path: file.path });
    else actions.push({ kind: 'keep', path: file.path, reason: 'changed since vpt setup wrote it' });
  }
  return actions;
}

export async function applySetup(root: string, actions: readonly SetupAction[], run: CommandRunner): Promise<void> {
  for (const action of actions) {
    try {
      if (action.kind === 'run') {
        const [program, ...args] = action.command;
        const result = await run(program!, args, { timeoutMs: SYSTEMCTL_TIMEOUT_MS });
        if (result.exitCode !== 0)
          throw new VptError(`${result.command} failed: ${result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`}`, EXIT.critical);
        continue;
      }
      if (action.kind === 'keep') continue;
      const target = await inRoot(root, action.path);
      if (action.kind === 'mkdir') await fs.mkdir(target, { recursive: true, mode: 0o755 });
      else if (action.kind === 'write') {
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
        await writeFileAtomic(target, action.content, { mode: 0o644 });
      } else if (action.kind === 'remove') await fs.rm(target, { force: true });
      else await fs.rmdir(target);
    } catch (err) {
      if (err instanceof VptError) throw err;
      const code = errnoCode(err);
      const target = action.kind === 'run' ? action.command.join(' ') : action.path;
      if (code === 'EACCES' || code === 'EPERM') throw new PermissionError(`cannot ${action.kind} ${target}: permission denied; run with sudo`);
      throw new VptError(`cannot ${action.kind} ${target}: ${(err as Error).message}`, EXIT.critical);
    }
  }
}

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';

/**
 * The README's `npm ci && ./bin/vpt monitor --demo` on a fresh clone: npm ci no longer builds (the
 * build runs at `npm pack`), so the launcher builds dist/ once when it is missing in a checkout.
 * A copy of the repository's files as git sees them, without dist/, with the installed node_modules.
 */
describe('a fresh clone without dist/', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let clone: string;
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-fresh-clone-');
    clone = path.join(tmp.dir, 'vpt');
    await mkdir(clone);
    const files = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT });
    for (const file of files.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the worktree, not yet committed
      await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
      await copyFile(path.join(REPO_ROOT, file), path.join(clone, file));
    }
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  });
  afterAll(() => tmp.cleanup());

  it('./bin/vpt builds dist/ once, says so on stderr, then runs the command; the next run builds nothing', async () => {
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);
    const vpt = (args: string[]) =>
      execa(process.execPath, [path.join(clone, 'bin/vpt'), ...args], { reject: false, timeout: 300_000, env: { NO_COLOR: '1' } });
    const first = await vpt(['status', '--state-dir', path.join(tmp.dir, 'state')]);
    expect(first.exitCode, first.stderr).toBe(3);
    expect(first.stdout).toMatch(/^VPT UNKNOWN - no status snapshot/);
    expect(first.stderr.split('\n')[0]).toBe('vpt: dist/ is missing (a fresh clone): building it once (npm run build)');
    expect(existsSync(path.join(clone, 'dist/cli.cjs'))).toBe(true);
    const second = await vpt(['status', '--state-dir', path.join(tmp.dir, 'state')]);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toContain('building');
  }, 300_000);
});

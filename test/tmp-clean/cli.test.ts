import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt, VPT_BIN, type VptRun } from '../helpers/run-vpt.js';

/**
 * Tier 3: the real binary (build first: npx tsc -p tsconfig.build.json) on
 * real files, with real child processes holding files open or locked. Files
 * are made "old" with --older-than 0 (ctime cannot be set back); the fresh
 * file case uses a long --older-than instead.
 */

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let dir: string;
let outside: string;
const children: ChildProcess[] = [];
const SECRET = 'outside, must survive\n';

beforeEach(async () => {
  tmp = await makeTempDir();
  dir = path.join(tmp.dir, 'clean');
  outside = path.join(tmp.dir, 'outside.txt');
  await mkdir(dir);
  await writeFile(outside, SECRET);
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await tmp.cleanup();
});

const at = (name: string) => path.join(dir, name);
const leftover = (name: string, bytes = 100) => writeFile(at(name), 'x'.repeat(bytes));
const clean = (...args: string[]) => runVpt(['tmp-clean', '--dir', dir, '--older-than', '0', ...args]);

interface Report {
  schema_version: number;
  dir: string;
  dry_run: boolean;
  removed: { path: string; bytes: number; kind: string }[];
  total_bytes: number;
  skipped: { path: string; reason: string }[];
  skipped_by_reason: Record<string, number>;
  errors: { path: string; code: string; message: string }[];
  truncated: boolean;
}
function report(run: VptRun): Report {
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Report;
}
const reasonOf = (r: Report, name: string) => r.skipped.find((s) => s.path === at(name))?.reason;

/** A real child process that prints "ready" once it holds what the script opens. */
async function holder(command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready`)));
  });
  return child;
}
const HOLD_OPEN = "require('fs').openSync(process.argv[1], 'r'); console.log('ready'); setInterval(() => {}, 1000);";
const HOLD_FLOCK = [
  'import fcntl, sys, time',
  'f = open(sys.argv[1])',
  'fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)',
  'print("ready", flush=True)',
  'time.sleep(300)',
].join('\n');

describe('vpt tmp-clean removes leftovers', () => {
  it('removes old matching files, prints each with its bytes and the total, leaves the rest', async () => {
    await leftover('capture1_audio_check.ts', 1000);
    await leftover('capture1_concat_list.txt', 24);
    await leftover('notes.txt');
    const run = await clean();
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      `removed ${at('capture1_audio_check.ts')} (1000 bytes)`,
      `removed ${at('capture1_concat_list.txt')} (24 bytes)`,
      'freed 1024 bytes (1K) in 2 entries',
    ]);
    expect(existsSync(at('capture1_audio_check.ts'))).toBe(false);
    expect(existsSync(at('notes.txt'))).toBe(true);
  });

  it('--pattern adds to the defaults', async () => {
    await leftover('a.partial');
    await leftover('b_audio_check.ts');
    const r = report(await clean('--json', '--pattern', '*.partial'));
    expect(r.removed.map((x) => x.path)).toEqual([at('a.partial'), at('b_audio_check.ts')]);
  });

  it('--dry-run removes nothing and says "would remove"', async () => {
    await leftover('a_audio_check.ts', 10);
    const run = await clean('--dry-run');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`would remove ${at('a_audio_check.ts')} (10 bytes)`);
    expect(run.stdout).toContain('would free 10 bytes');
    expect(existsSync(at('a_audio_check.ts'))).toBe(true);
    expect(report(await clean('--dry-run', '--json'))).toMatchObject({ dry_run: true, total_bytes: 10 });
    expect(existsSync(at('a_audio_check.ts'))).toBe(true);
  });

  it('--json is one document with the contract shape', async () => {
    await leftover('a_audio_check.ts', 7);
    await mkdir(at('sub_concat_list.txt'));
    const r = report(await clean('--json'));
    expect(Object.keys(r).sort()).toEqual([
      'dir',
      'dry_run',
      'errors',
      'removed',
      'schema_version',
      'skipped',
      'skipped_by_reason',
      'total_bytes',
      'truncated',
    ]);
    expect(r).toEqual({
      schema_version: 1,
      dir,
      dry_run: false,
      removed: [{ path: at('a_audio_check.ts'), bytes: 7, kind: 'file' }],
      total_bytes: 7,
      skipped: [{ path: at('sub_concat_list.txt'), reason: 'not-regular-file' }],
      skipped_by_reason: { 'not-regular-file': 1 },
      errors: [],
      truncated: false,
    });
  });
});

describe('vpt tmp-clean safety rules', () => {
  it('a symlink to a file outside is skipped: the link stays, its target is untouched', async () => {
    await symlink(outside, at('evil_audio_check.ts'));
    const r = report(await clean('--json'));
    expect(reasonOf(r, 'evil_audio_check.ts')).toBe('symlink');
    expect(r.removed).toEqual([]);
    expect(await readlink(at('evil_audio_check.ts'))).toBe(outside);
    expect(readFileSync(outside, 'utf8')).toBe(SECRET);
  });

  it('a matching sub-folder is not removed, nor anything in it', async () => {
    await mkdir(at('old_concat_list.txt'));
    await writeFile(path.join(at('old_concat_list.txt'), 'x_audio_check.ts'), 'x');
    const r = report(await clean('--json'));
    expect(reasonOf(r, 'old_concat_list.txt')).toBe('not-regular-file');
    expect(existsSync(path.join(at('old_concat_list.txt'), 'x_audio_check.ts'))).toBe(true);
  });

  it('a fresh file is too young', async () => {
    await leftover('new_audio_check.ts');
    const run = await runVpt(['tmp-clean', '--dir', dir, '--older-than', '1h', '--json']);
    expect(reasonOf(report(run), 'new_audio_check.ts')).toBe('young');
    expect(existsSync(at('new_audio_check.ts'))).toBe(true);
  });

  it('a file held open by another process is skipped', async () => {
    await leftover('busy_audio_check.ts');
    await leftover('idle_audio_check.ts');
    await holder(process.execPath, ['-e', HOLD_OPEN, at('busy_audio_check.ts')]);
    const r = report(await clean('--json'));
    expect(reasonOf(r, 'busy_audio_check.ts')).toBe('in-use');
    expect(existsSync(at('busy_audio_check.ts'))).toBe(true);
    expect(existsSync(at('idle_audio_check.ts'))).toBe(false);
  });

  it('a flock-ed file is skipped as locked', async () => {
    await leftover('locked_concat_list.txt');
    await holder('python3', ['-c', HOLD_FLOCK, at('locked_concat_list.txt')]);
    const r = report(await clean('--json'));
    expect(reasonOf(r, 'locked_concat_list.txt')).toBe('locked');
    expect(existsSync(at('locked_concat_list.txt'))).toBe(true);
  });

  it('the vpt-<pid> folder of a dead process is removed, of a live one kept', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.on('exit', resolve));
    const live = await holder(process.execPath, ['-e', "console.log('ready'); setInterval(() => {}, 1000);"]);
    for (const pid of [deadPid, live.pid!]) {
      await mkdir(at(`vpt-${pid}`));
      await writeFile(path.join(at(`vpt-${pid}`), 'merged.ts'), 'x'.repeat(50));
    }
    const r = report(await clean('--json'));
    expect(r.removed).toEqual([{ path: at(`vpt-${deadPid}`), bytes: 50, kind: 'folder' }]);
    expect(reasonOf(r, `vpt-${live.pid}`)).toBe('pid-alive');
    expect(existsSync(at(`vpt-${deadPid}`))).toBe(false);
    expect(existsSync(path.join(at(`vpt-${live.pid}`), 'merged.ts'))).toBe(true);
  });
});

describe.runIf(process.geteuid?.() === 0)('other users (needs root to chown and setpriv)', () => {
  const NOBODY = 65534;
  const OTHER = 4321;
  const asNobody = (args: string[]) =>
    execa('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', VPT_BIN, 'tmp-clean', ...args], {
      reject: false,
      env: { NO_COLOR: '1' },
      timeout: 30_000,
    });

  beforeEach(async () => {
    await chmod(tmp.dir, 0o755);
  });

  it("a non-root user skips another user's file in a 1777 folder and removes its own; root removes both", async () => {
    await chmod(dir, 0o1777);
    await leftover('mine_audio_check.ts');
    await leftover('theirs_audio_check.ts');
    await chown(at('mine_audio_check.ts'), NOBODY, NOBODY);
    await chown(at('theirs_audio_check.ts'), OTHER, OTHER);
    const run = await asNobody(['--dir', dir, '--older-than', '0', '--json']);
    expect(run.exitCode).toBe(0);
    const r = JSON.parse(String(run.stdout)) as Report;
    expect(r.removed.map((x) => x.path)).toEqual([at('mine_audio_check.ts')]);
    expect(reasonOf(r, 'theirs_audio_check.ts')).toBe('other-user');
    expect(existsSync(at('theirs_audio_check.ts'))).toBe(true);

    const asRoot = report(await clean('--json'));
    expect(asRoot.removed.map((x) => x.path)).toEqual([at('theirs_audio_check.ts')]);
    expect(existsSync(at('theirs_audio_check.ts'))).toBe(false);
  });

  it('a permission error on one file is reported, the run goes on, exit 1', async () => {
    await chmod(dir, 0o755); // owned by root: nobody may not unlink in it
    for (const name of ['a_audio_check.ts', 'b_audio_check.ts']) {
      await leftover(name);
      await chown(at(name), NOBODY, NOBODY);
    }
    const run = await asNobody(['--dir', dir, '--older-than', '0']);
    expect(run.exitCode).toBe(1);
    const lines = String(run.stderr).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^vpt: cannot remove .*_audio_check\.ts: permission denied \(EACCES\)$/i);
    expect(String(run.stdout)).toContain('2 failed');
    expect(existsSync(at('a_audio_check.ts')) && existsSync(at('b_audio_check.ts'))).toBe(true);
  });
});

describe('vpt tmp-clean for cron and errors', () => {
  it('-q prints nothing when there is nothing to remove', async () => {
    await leftover('new_audio_check.ts');
    await symlink(outside, at('link_audio_check.ts'));
    const run = await runVpt(['tmp-clean', '--dir', dir, '--older-than', '1h', '-q']);
    expect(run).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('-q still prints what it removed', async () => {
    await leftover('a_audio_check.ts', 5);
    const run = await clean('-q');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`removed ${at('a_audio_check.ts')} (5 bytes)`);
  });

  it.each([
    [['--dir', '/nonexistent/vpt-tmp-clean'], /^vpt: --dir: "\/nonexistent\/vpt-tmp-clean" does not exist/],
    [['--pattern', '../*'], /^vpt: --pattern: "\.\.\/\*" contains "\/"/],
  ])('%j is one line and exit 2', async (args, message) => {
    const run = await runVpt(['tmp-clean', ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('a --dir that is a file is one line and exit 2', async () => {
    const run = await runVpt(['tmp-clean', '--dir', outside]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(`vpt: --dir: "${outside}" is not a folder; give the folder to clean`);
  });

  it('never loads sharp or SQLite', async () => {
    const log = path.join(tmp.dir, 'modules.log');
    const preload = path.join(tmp.dir, 'list-modules.mjs');
    // Both heavy modules are CommonJS: whether imported or required, they land in the CJS cache.
    await writeFile(
      preload,
      `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n')));
`,
    );
    await leftover('a_audio_check.ts');
    const run = await runVpt(['tmp-clean', '--dir', dir, '--older-than', '0'], { env: { NODE_OPTIONS: `--import ${preload}` } });
    expect(run.exitCode).toBe(0);
    const modules = readFileSync(log, 'utf8');
    expect(modules).toMatch(/\/bin\/vpt$/m); // the probe sees CJS modules at all (the launcher; commander is bundled into dist/cli.cjs)
    expect(modules).not.toMatch(/node_modules\/(sharp|better-sqlite3)\//);
  });
});

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactDate } from '../../src/core/investigate/local-time.js';
import { checkOutput, schemaNames } from '../helpers/output-schemas.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 28, tier 3: the --json of investigate (report, --health, --install),
 * journald-limits (check, dry-run, apply), tmp-clean and --check-config, run
 * by the real binary on temp folders, validate against docs/schemas; every
 * schema names its version.
 */
let temp: { dir: string; cleanup: () => Promise<void> };
let dirs: { log: string; stream: string; tmp: string; root: string };

beforeAll(async () => {
  temp = await makeTempDir('vpt-schemas-commands-');
  dirs = { log: path.join(temp.dir, 'log'), stream: path.join(temp.dir, 'stream'), tmp: path.join(temp.dir, 'tmp'), root: path.join(temp.dir, 'root') };
  for (const d of [dirs.stream, dirs.tmp, path.join(dirs.root, 'var/log/journal')]) await mkdir(d, { recursive: true });
});
afterAll(() => temp.cleanup());

const json = async (args: string[], env: Record<string, string> = {}): Promise<unknown> => {
  const run = await runVpt([...args, '--json'], { env: { TMPDIR: dirs.tmp, ...env }, timeoutMs: 60_000 });
  expect(run.stdout, run.stderr).not.toBe('');
  return JSON.parse(run.stdout) as unknown;
};

describe('schemas', () => {
  it('each names its schema_version (vpt_schema_version in the shared per-frame JSON)', async () => {
    for (const name of schemaNames()) {
      const schema = JSON.parse(await readFile(path.join('docs/schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
      expect(JSON.stringify(schema), name).toMatch(/"(vpt_)?schema_version"/);
    }
  });
});

describe('vpt investigate --json', () => {
  it('--health: the printed sample and the jsonl line match docs/schemas/health-sample.schema.json', async () => {
    const args = ['investigate', '--health', '--log-dir', dirs.log, '--stream-root', dirs.stream];
    expect(checkOutput('health-sample', await json(args))).toEqual([]);
    // The second sample reads the first back from its snake_case line: kills since then are counted.
    const second = (await json(args)) as { oom_kill_counter?: number; oom_kills_since_last?: number };
    expect(checkOutput('health-sample', second)).toEqual([]);
    if (second.oom_kill_counter !== undefined) expect(second.oom_kills_since_last).toBeGreaterThanOrEqual(0);
    const lines = (await readFile(path.join(dirs.log, `health_${compactDate(new Date())}.jsonl`), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(checkOutput('health-sample', JSON.parse(line))).toEqual([]);
  });

  it('the report matches docs/schemas/investigate-report.schema.json', async () => {
    expect(checkOutput('investigate-report', await json(['investigate', '--log-dir', dirs.log, '--stream-root', dirs.stream]))).toEqual([]);
  });

  it('--install --dry-run matches docs/schemas/investigate-install.schema.json', async () => {
    const doc = await json(['investigate', '--install', '--dry-run', '--root', dirs.root, '--log-dir', dirs.log]);
    expect(checkOutput('investigate-install', doc)).toEqual([]);
  });
});

describe('vpt journald-limits, tmp-clean and monitor --check-config --json', () => {
  it('journald-limits check, --dry-run and --apply (under --root) match docs/schemas/journald-limits.schema.json', async () => {
    for (const mode of [[], ['--dry-run'], ['--apply', '--persistent']]) {
      expect(checkOutput('journald-limits', await json(['journald-limits', '--root', dirs.root, ...mode])), mode.join(' ')).toEqual([]);
    }
  });

  it('tmp-clean matches docs/schemas/tmp-clean.schema.json', async () => {
    await writeFile(path.join(dirs.tmp, 'x_audio_check.ts'), 'x');
    const doc = await json(['tmp-clean', '--dir', dirs.tmp, '--older-than', '0']);
    expect(checkOutput('tmp-clean', doc)).toEqual([]);
    expect(doc).toMatchObject({ removed: [expect.objectContaining({ kind: 'file' })] });
  });

  it('--check-config matches docs/schemas/check-config.schema.json', async () => {
    const file = path.join(temp.dir, 'vpt.toml');
    await writeFile(file, '[devices.capture1]\nfps = 2\n');
    expect(checkOutput('check-config', await json(['monitor', '--check-config', '--config', file]))).toEqual([]);
  });
});

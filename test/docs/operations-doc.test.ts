import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runVpt, VPT_BIN } from '../helpers/run-vpt.js';

/**
 * The operator docs are checked by doing what they say: every `vpt ...` line
 * in a fenced block of operations.md / fleet.md names only flags the CLI has
 * and parses with the real CLI definition; the rehearsal section runs as a
 * script against a temp root; the example alert rules pass promtool, and the
 * metric names the docs use are the ones a real `--prom` run writes.
 */

const DOCS = ['operations.md', 'fleet.md'] as const;
const COMMANDS = ['monitor', 'investigate', 'journald-limits', 'tmp-clean', 'setup'] as const;
const PROMTOOL = '/usr/bin/promtool';
if (!existsSync(PROMTOOL)) console.warn(`${PROMTOOL} not found: skipping the promtool checks of docs/fleet.md's metrics and alert rules`);

interface Block {
  doc: string;
  info: string;
  body: string;
  line: number;
}

function fencedBlocks(doc: string): Block[] {
  const lines = readFileSync(path.join(REPO_ROOT, 'docs', doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: { info: string; line: number; body: string[] } | undefined;
  lines.forEach((text, i) => {
    const fence = /^```(\S*)\s*$/.exec(text);
    if (fence && !open) open = { info: fence[1]!, line: i + 2, body: [] };
    else if (fence && open) {
      blocks.push({ doc, info: open.info, body: open.body.join('\n'), line: open.line });
      open = undefined;
    } else open?.body.push(text);
  });
  if (open) throw new Error(`${doc}: fenced block at line ${open.line - 1} is never closed`);
  return blocks;
}

export interface DocCommand {
  where: string;
  /** Shell-like words after `vpt`, up to a pipe, redirection, `&&` or comment. */
  args: string[];
  /** From a block meant to be typed or installed (sh, crontab), not sample output. */
  runnable: boolean;
}

/** Words of one command line: quotes removed, stops at |, >, &&, ;, # comments. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"[^"]*"|'[^']*'|\S+/g)) {
    const raw = match[0];
    if (/^(\||\|\||&&|;|>|>>|2>&1)$/.test(raw) || raw.startsWith('#') || /^\d?>/.test(raw)) break;
    const quoted = /^(["']).*\1$/.test(raw);
    words.push(quoted ? raw.slice(1, -1) : raw.replace(/["']+$/, ''));
  }
  return words;
}

/** Every `vpt <command|--flag> ...` on a line of a fenced block (after sudo, cron fields, a path...). */
export function commandsIn(block: Block): DocCommand[] {
  if (block.info === 'yaml' || block.info === 'json') return [];
  const found: DocCommand[] = [];
  block.body.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/(?:^|[\s"'/])vpt\s+(.*)$/g)) {
      const args = shellWords(m[1]!);
      const first = args[0];
      if (first === undefined || !((COMMANDS as readonly string[]).includes(first) || first.startsWith('-'))) continue;
      found.push({ where: `docs/${block.doc}:${block.line + i}`, args, runnable: block.info === 'sh' || block.info === 'crontab' });
    }
  });
  return found;
}

/** The flags `vpt <command> --help` lists (global ones included). */
async function helpFlags(command: string | undefined): Promise<Set<string>> {
  const run = await runVpt(command ? [command, '--help'] : ['--help']);
  expect(run.exitCode).toBe(0);
  return new Set([...run.stdout.matchAll(/(?:^|[\s,])(--?[a-zA-Z][\w-]*)/gm)].map((m) => m[1]!));
}

/** Flags a doc command uses that its --help does not list. */
export function unknownFlags(command: DocCommand, known: Map<string | undefined, Set<string>>): string[] {
  const name = (COMMANDS as readonly string[]).includes(command.args[0]!) ? command.args[0] : undefined;
  const flags = known.get(name)!;
  return command.args
    .filter((a) => /^--?[a-zA-Z]/.test(a))
    .map((a) => a.split('=')[0]!)
    .filter((flag) => !flags.has(flag));
}

const blocks = DOCS.flatMap(fencedBlocks);
const commands = blocks.flatMap(commandsIn);

describe('vpt command lines in docs/operations.md and docs/fleet.md', () => {
  const known = new Map<string | undefined, Set<string>>();
  beforeAll(async () => {
    known.set(undefined, await helpFlags(undefined));
    for (const c of COMMANDS) known.set(c, await helpFlags(c));
  });

  it('the docs show enough commands for the check to mean something', () => {
    for (const c of COMMANDS) expect(commands.filter((d) => d.args[0] === c).length, c).toBeGreaterThan(0);
    expect(commands.length).toBeGreaterThan(25);
  });

  it('the checker catches a flag that does not exist', () => {
    const fake: DocCommand = { where: 'self-test', args: shellWords('monitor --devices a --no-such-flag=1 | head'), runnable: true };
    expect(unknownFlags(fake, known)).toEqual(['--no-such-flag']);
    expect(shellWords(`investigate --health -q"`)).toEqual(['investigate', '--health', '-q']);
  });

  it('every flag they use is listed by `vpt <command> --help`', () => {
    const bad = commands.map((c) => ({ where: c.where, line: `vpt ${c.args.join(' ')}`, unknown: unknownFlags(c, known) })).filter((c) => c.unknown.length > 0);
    expect(bad).toEqual([]);
  });

  it('every command meant to be typed parses with the real CLI (values and combinations too)', async () => {
    const { buildProgram } = (await import(path.join(REPO_ROOT, 'dist/cli.js'))) as typeof import('../../src/cli.js');
    const { normaliseOptions } = (await import(
      path.join(REPO_ROOT, 'dist/commands/investigate/options.js')
    )) as typeof import('../../src/commands/investigate/options.js');
    const failures: string[] = [];
    for (const command of commands.filter((c) => c.runnable)) {
      let parsed: { name: string; options: Record<string, unknown> } | undefined;
      const program = buildProgram({
        onExit: () => undefined,
        createUi: () => ({}) as never,
        load: async (name) => ({
          run: async (options: Record<string, unknown>) => {
            parsed = { name, options };
            return 0;
          },
        }),
      });
      for (const c of [program, ...program.commands]) c.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
      try {
        await program.parseAsync(['node', 'vpt', ...command.args]);
        // investigate checks its flag combinations (--cron without --install, --prom without --health) before it runs.
        if (parsed?.name === 'investigate') normaliseOptions(parsed.options);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'commander.version' || code === 'commander.helpDisplayed') continue;
        failures.push(`${command.where}: vpt ${command.args.join(' ')}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('docs/operations.md, "Rehearse without systemd", run as written', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await makeTempDir('vpt-docs-')));
  afterAll(async () => cleanup());

  it('runs every line against a temp root and leaves the files it describes', async () => {
    const section = readFileSync(path.join(REPO_ROOT, 'docs/operations.md'), 'utf8').split('## Rehearse without systemd')[1];
    expect(section).toBeDefined();
    const script = fencedBlocks('operations.md').find((b) => b.info === 'sh' && b.body.includes('/tmp/vpt-rehearsal') && section!.includes(b.body));
    expect(script).toBeDefined();
    const root = path.join(dir, 'rehearsal');
    const lines = script!.body
      .split('\n')
      // The demo runs until Ctrl-C (test/demo covers it); without systemd-analyze, its check cannot run.
      .filter((l) => !l.includes('--demo') && !(l.startsWith('systemd-analyze') && !existsSync('/usr/bin/systemd-analyze')))
      .map((l) => l.replaceAll('/tmp/vpt-rehearsal', root));
    // Stop before the final rm so the test can look at what the steps left.
    const body = lines.filter((l) => !l.startsWith('rm -rf'));
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await symlink(VPT_BIN, path.join(bin, 'vpt'));
    const run = await execa('bash', ['-e', '-x', '-c', body.join('\n')], {
      reject: false,
      env: { PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1', TMPDIR: dir },
      timeout: 60_000,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^VPT HEALTH (OK|WARNING|CRITICAL) - /m);
    expect(readFileSync(path.join(root, 'vpt-monitor.service'), 'utf8')).toMatch(/^ExecStart=.* monitor --devices capture1 --stream-root \S+$/m);
    expect(readFileSync(path.join(root, 'prom/vpt.prom'), 'utf8')).toMatch(/^vpt_health_status [0-3]$/m);
    expect(readFileSync(path.join(root, 'root/etc/systemd/journald.conf.d/60-vpt-limits.conf'), 'utf8')).toContain('RuntimeMaxUse=100M');
    // The uninstall step removed what the install steps wrote.
    expect(existsSync(path.join(root, 'root/etc/systemd/system/vpt-health.timer'))).toBe(false);
    expect(existsSync(path.join(root, 'root/etc/cron.d/vpt-health'))).toBe(false);
  });
});

describe('docs/fleet.md: metrics and alert rules', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sleeper: ResultPromise | undefined;
  let prom = '';
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('vpt-fleet-'));
    // A tracked process, so the per-process metrics are written too.
    const script = path.join(dir, 'vpt-doc-sleeper.mjs');
    await writeFile(script, 'setInterval(() => {}, 1000);\n');
    sleeper = execa(process.execPath, [script], { reject: false });
    await mkdir(path.join(dir, 'stream/capture1/hot'), { recursive: true });
    const file = path.join(dir, 'vpt.prom');
    const run = await runVpt([
      'investigate',
      '--health',
      '--log-dir',
      path.join(dir, 'logs'),
      '--stream-root',
      path.join(dir, 'stream'),
      '--processes',
      'vpt-doc-sleeper',
      '--prom',
      file,
    ]);
    expect(run.exitCode, run.stderr).toBeLessThan(3);
    prom = readFileSync(file, 'utf8');
  });
  afterAll(async () => {
    sleeper?.kill();
    await sleeper;
    await cleanup();
  });

  const realNames = () => new Set([...prom.matchAll(/^(vpt_\w+)(?:\{| )/gm)].map((m) => m[1]!));
  const contribRules = (file: string) => readFileSync(path.join(REPO_ROOT, 'contrib/prometheus', file), 'utf8');
  const HOST_RULES = 'vpt-host-alerts.yml';

  it('the metrics listed in fleet.md are exactly the ones a real --prom run writes', () => {
    const listed = fencedBlocks('fleet.md').find((b) => b.body.startsWith('# HELP vpt_health_status'));
    expect(listed).toBeDefined();
    const documented = new Set([...listed!.body.matchAll(/^(vpt_\w+)(?:\{| )/gm)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual([...realNames()].sort());
  });

  it("every metric the host rules use is one vpt's --prom writes, and fleet.md's table names every rule", () => {
    const used = new Set([...contribRules(HOST_RULES).matchAll(/expr: .*/g)].flatMap((m) => [...m[0].matchAll(/\b(vpt_[a-z0-9_]+)/g)].map((n) => n[1]!)));
    expect(used.size).toBeGreaterThan(5);
    const real = realNames();
    expect([...used].filter((n) => !real.has(n))).toEqual([]);
    const table = readFileSync(path.join(REPO_ROOT, 'docs/fleet.md'), 'utf8').split('### Alert rules')[1]!;
    const rules = [HOST_RULES, 'vpt-monitor-alerts.yml'].flatMap((f) => [...contribRules(f).matchAll(/- alert: (\w+)/g)].map((m) => m[1]!));
    expect(rules.filter((r) => !table.includes(`\`${r}\``))).toEqual([]);
  });

  it.skipIf(!existsSync(PROMTOOL))('promtool accepts the metrics file (the rules: test/metrics/metrics-and-contrib.test.ts)', async () => {
    const metrics = await execa(PROMTOOL, ['check', 'metrics'], { input: prom, reject: false });
    expect(metrics.exitCode, `${metrics.stdout}${metrics.stderr}`).toBe(0);
  });
});

// Recipes of the host commands (config checks and reloads, journald-limits, tmp-clean, the units and
// cron lines vpt writes, argument errors), each on fixtures in the temp folder or a fake root in it.
import { execa } from 'execa';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { liveSession } from './capture.mjs';
import { ENV, FAKE_ROOT, REPO, VPT, session, shown, until, vpt } from './run.mjs';

const inRoot = (ctx, file) => path.join(ctx.dir, FAKE_ROOT, file);
const linesOf = (text, re) => text.split('\n').filter((l) => re.test(l));

/** The full example of docs/config.md, written where a host keeps it: the check of it is then a check of the doc. */
async function exampleConfig(ctx) {
  const doc = await readFile(path.join(REPO, 'docs', 'config.md'), 'utf8');
  const toml = /^```toml\n(# \/etc\/vpt\/vpt\.toml[\s\S]*?)^```$/m.exec(doc)?.[1];
  if (!toml) throw new Error('docs example: docs/config.md has no ```toml block starting "# /etc/vpt/vpt.toml"');
  const file = inRoot(ctx, 'etc/vpt/vpt.toml');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, toml);
  return file;
}

/**
 * A monitor on the example config (its three devices have no folders yet: each is waited for), with a
 * memory alert low enough to trip at start and a sweep every 2 s; reloaded with SIGHUP, once as it
 * is and once broken (the second SIGHUP only after the first reload's line: one sent 1 s after the
 * first was not answered).
 */
function serviceSession(ctx) {
  ctx.service ??= (async () => {
    const config = await exampleConfig(ctx);
    await mkdir(path.join(ctx.dir, 'svc', 'stream'), { recursive: true });
    const args = [
      'monitor',
      '--config',
      config,
      '--stream-root',
      './svc/stream',
      '--state-dir',
      './svc/state',
      '--listen',
      'off',
      '--no-audio',
      '--memory-alert',
      '20M',
      '--sweep-interval',
      '2s',
    ];
    const child = execa(VPT, args, { cwd: ctx.dir, env: { ...ENV, TMPDIR: ctx.dir }, extendEnv: false, reject: false, timeout: 120_000 });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const wait = (what, re) =>
      until(
        `${what} from the reloaded monitor`,
        () => re.test(stderr),
        () => `stderr:\n${stderr}`,
      );
    try {
      await wait('start', /^monitoring /m);
      child.kill('SIGHUP');
      await wait('reload', /SIGHUP: reloaded/);
      await writeFile(config, '[monitor]\nfreeze_rule = "fastest"\n');
      child.kill('SIGHUP');
      await wait('refused reload', /warning: SIGHUP:/);
      await wait('cache sweep', /cache cleanup completed/);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
    return shown(ctx, stderr);
  })();
  return ctx.service;
}

/** Leftover temp files in the fake root's /tmp: old ones, a dead process's folder, a symlink, a young one. */
async function tempLeftovers(ctx) {
  ctx.leftovers ??= (async () => {
    const tmp = inRoot(ctx, 'tmp');
    await mkdir(path.join(tmp, 'vpt-4194305'), { recursive: true }); // above Linux's pid_max: no such process
    await writeFile(path.join(tmp, 'vpt-4194305', 'segment.ts'), 'x');
    for (const name of ['capture2_audio_check.ts', 'capture3_audio_check.ts', 'old_concat_list.txt']) await writeFile(path.join(tmp, name), 'xx');
    // A name that is not UTF-8: shown with its odd byte as \xff.
    await writeFile(Buffer.concat([Buffer.from(`${tmp}/`), Buffer.from([0xff]), Buffer.from('_audio_check.ts')]), 'x');
    await symlink('/etc/passwd', path.join(tmp, 'capture9_audio_check.ts'));
    // The age is the newest of mtime and ctime, and ctime cannot be set: the old files age for real.
    await new Promise((r) => setTimeout(r, LEFTOVER_AGE_MS + 200));
    const young = path.join(tmp, 'capture1_audio_check.ts');
    await writeFile(young, 'xx');
    const clean = () => vpt(ctx, ['tmp-clean', '--dir', tmp, '--older-than', `${LEFTOVER_AGE_MS / 1000}s`]);
    return { first: await clean(), second: await clean() };
  })();
  return ctx.leftovers;
}
/** The --older-than of the tmp-clean examples: short, so the fixture ages within the run. */
const LEFTOVER_AGE_MS = 3_000;

export const hostRecipes = {
  'completion-unknown': {
    run: async (ctx) => `${await session(ctx, ['completion'])}\n${await session(ctx, ['completion', 'tcsh'])}`,
    volatile: [],
  },
  'config-errors': {
    run: async (ctx) => {
      const bad = inRoot(ctx, 'tmp/bad.toml');
      await mkdir(path.dirname(bad), { recursive: true });
      await writeFile(bad, '[devices.capture1]\nignore = [{ x = 1200, y = 20, w = 160, h = 60 }]\nclear_time = "-1s"\n');
      return session(ctx, ['monitor', '--check-config', '--config', bad]);
    },
    volatile: [],
  },
  'config-check': {
    run: async (ctx) => session(ctx, ['monitor', '--check-config', '--config', await exampleConfig(ctx)]),
    volatile: [],
  },
  'config-reload': {
    run: async (ctx) => linesOf(await serviceSession(ctx), /SIGHUP: /).join('\n'),
    volatile: [],
  },
  'memory-lines': {
    run: async (ctx) => [...linesOf((await liveSession(ctx, false)).stderr, /\[MEMORY\]/), ...linesOf(await serviceSession(ctx), /\[MEMORY\]/)].join('\n'),
    volatile: [/[\d.]+MB/g],
  },
  'sweep-line': {
    run: async (ctx) => linesOf(await serviceSession(ctx), /cache cleanup completed/)[0],
    volatile: [],
  },
  'journald-range-errors': {
    run: async (ctx) =>
      [
        await session(ctx, ['journald-limits', '--rate-limit-interval-sec', '0.5us', '--dry-run']),
        await session(ctx, ['journald-limits', '--max-retention-sec', '99999999999999999999years']),
        await session(ctx, ['journald-limits', '--rate-limit-burst', '4294967296']),
      ].join('\n'),
    volatile: [],
  },
  'journald-root-symlink': {
    run: async (ctx) => {
      await mkdir(path.join(ctx.dir, 'image', 'etc', 'systemd'), { recursive: true });
      await mkdir(path.join(ctx.dir, 'host'), { recursive: true });
      await symlink(path.join(ctx.dir, 'host'), path.join(ctx.dir, 'image', 'etc', 'systemd', 'journald.conf.d'));
      return session(ctx, ['journald-limits', '--apply', '--root', './image']);
    },
    volatile: [],
  },
  'tmp-clean-removed': { run: async (ctx) => (await tempLeftovers(ctx)).first, volatile: [] },
  'tmp-clean-nothing': { run: async (ctx) => (await tempLeftovers(ctx)).second, volatile: [] },
  'prom-errors': {
    run: async (ctx) => {
      await mkdir(inRoot(ctx, 'tmp/prom'), { recursive: true });
      const health = ['investigate', '--health', '--log-dir', './health-log', '--proc-root', path.join(REPO, 'test/fixtures/proc/farm')];
      return [
        await vpt(ctx, [...health, '--prom', inRoot(ctx, 'var/lib/node_exporter/textfile_collector/vpt.prom')]),
        await vpt(ctx, [...health, '--prom', inRoot(ctx, 'tmp/prom')]),
      ].join('\n');
    },
    volatile: [],
  },
  'unit-secret-webhook': {
    run: async (ctx) => {
      const unit = await vpt(ctx, ['monitor', '--print-unit', '--devices', 'capture1', '--webhook', 'http://farm:s3cret@alerts.local/vpt?token=abc&x=1']);
      // From the note on the secret down to ExecStart=, as the unit prints them.
      const lines = unit.split('\n');
      return lines
        .slice(
          lines.findIndex((l) => l.startsWith('# --webhook')),
          lines.findIndex((l) => l.startsWith('ExecStart=')) + 1,
        )
        .join('\n');
    },
    volatile: [],
  },
  'health-unit-execstart': {
    run: async (ctx) =>
      linesOf(await vpt(ctx, ['investigate', '--install', '--dry-run']), /^\s+ExecStart=/)
        .map((l) => l.trim())
        .join('\n'),
    volatile: [],
  },
  'health-cron-lines': {
    run: async (ctx) =>
      linesOf(await vpt(ctx, ['investigate', '--install', '--cron', '--dry-run']), /^\s+\* \* \* \* \*/)
        .map((l) => l.trim())
        .join('\n'),
    volatile: [],
  },
};

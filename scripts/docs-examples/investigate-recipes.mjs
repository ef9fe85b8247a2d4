// Recipes of `vpt investigate`: the health sample (log lines, Nagios line, metrics) on the farm's
// fixture /proc, and the report's memory trends and diagnosis over fixture health logs.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { noise, procStat, writeFakeProc, writeHealthLog } from '../../test/investigate/health-fixture.mjs';
import { REPO, vpt } from './run.mjs';

const MIN = 60_000;
/** Two hot folders on whatever disk this runs on: their figures, like the root's, are masked. */
const DEVICES = ['capture1', 'capture2'];

/** One `--health --prom` sample of the farm fixture (/proc of a Pi with capture_monitor.py at 450 MB), alert at 400 MB. */
function healthSample(ctx) {
  ctx.health ??= (async () => {
    const dir = path.join(ctx.dir, 'health');
    for (const d of DEVICES) await mkdir(path.join(dir, 'stream', d, 'hot'), { recursive: true });
    await mkdir(path.join(dir, 'tmp'), { recursive: true });
    const args = ['investigate', '--health', '--proc-root', path.join(REPO, 'test/fixtures/proc/farm'), '--log-dir', './health/log'];
    const nagios = await vpt(ctx, [...args, '--stream-root', './health/stream', '--memory-alert', '400M', '--prom', './health/vpt.prom'], {
      env: { TMPDIR: path.join(dir, 'tmp') },
      all: false,
    });
    const log = await readFile(
      path.join(
        dir,
        'log',
        (await readdir(path.join(dir, 'log'))).find((n) => n.endsWith('.log')),
      ),
      'utf8',
    );
    const prom = (await readFile(path.join(dir, 'vpt.prom'), 'utf8'))
      .split('\n')
      .filter((l) => !l.startsWith('# TYPE'))
      .join('\n');
    return { nagios, log, prom };
  })();
  return ctx.health;
}

const HEALTH_VOLATILE = [
  /^\[[\d-]+ [\d:]+\]/gm,
  /(Global Disk: )\d+% used, \S+ free/g,
  /(hot: )\d+% \(\S+\)/g,
  /(Journal RAM: )\S+/g,
  /(\/tmp size: ).*/g,
  /'(disk_root|capture\d_hot)'=\d+/g,
  /('journal_ram'=)\S+/g,
  /('tmp'=)\S+/g,
  /^(vpt_(health_last_sample_timestamp_seconds|health_sample_duration_seconds|tmp_bytes|tmp_walk_truncated|journal_runtime_limit_bytes)) .*/gm,
  /^(vpt_(tmpfs_used_ratio|tmpfs_used_bytes|tmpfs_size_bytes|journal_bytes)\{[^}]*\}) .*/gm,
];

/**
 * The trend scenario of test/investigate/trend-e2e.test.ts, ending now: two hours of 30 s samples
 * of a flat process with ±3 MB noise, a 400 MB/hour leak (±2 MB), a GC sawtooth, a process that ended 5
 * minutes ago after the same leak and one started 15 minutes ago; a /proc with the four that still
 * run, a load of 18 on 4 cores and a busy compiler (not the farm's) whose CPU ticks rise while the report runs.
 */
function trendReport(ctx) {
  ctx.trends ??= (async () => {
    const dir = path.join(ctx.dir, 'trends');
    const now = Date.now();
    const boot = now - 10 * 60 * MIN;
    const flat = noise(3, 5);
    const jitter = noise(2, 11);
    const leak = (t) => 100 + (400 * (t - (now - 120 * MIN))) / (60 * MIN) + jitter();
    const sawtooth = (t) => 300 + ((((t - now) / MIN) % 7) + 7) * (20 / 7);
    const processes = [
      {
        name: 'capture_monitor.py',
        pid: 1234,
        argv: ['python3', '/opt/farm/capture_monitor.py'],
        startMs: now - 240 * MIN,
        mbAt: () => 450 + flat(),
        rssMB: 450,
      },
      { name: 'vpt monitor', pid: 2345, argv: ['node', '/usr/local/bin/vpt', 'monitor'], startMs: now - 125 * MIN, mbAt: leak, rssMB: 900 },
      { name: 'app.py', pid: 3001, argv: ['python3', '/opt/farm/app.py'], startMs: now - 240 * MIN, mbAt: sawtooth, rssMB: 310 },
      { name: 'hot_cold_archiver', pid: 4000, startMs: now - 240 * MIN, mbAt: (t) => (t <= now - 5 * MIN ? leak(t) : undefined) },
      {
        name: 'transcript_accumulator',
        pid: 5000,
        argv: ['python3', '/opt/farm/transcript_accumulator.py'],
        startMs: now - 15 * MIN,
        mbAt: () => 50,
        rssMB: 50,
      },
    ];
    const busy = { pid: 7024, argv: ['node', '/usr/lib/node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], startMs: now - 2 * MIN, rssMB: 187 };
    await writeHealthLog(path.join(dir, 'log'), processes, { fromMs: now - 120 * MIN, toMs: now - 10_000, everyMs: 30_000, bootMs: boot });
    await writeFakeProc(path.join(dir, 'proc'), [...processes.filter((p) => p.argv), busy], boot, '18.37 17.92 16.80 5/412 7024');
    await mkdir(path.join(dir, 'stream'), { recursive: true });
    await mkdir(path.join(dir, 'tmp'), { recursive: true });
    // About 40% of one core: 2 ticks (of 100 a second) every 50 ms, each stat file renamed into place
    // (the report must never read one half-written).
    const stat = path.join(dir, 'proc', '7024', 'stat');
    let compiling = true;
    const compiler = (async () => {
      for (let ticks = 600; compiling; ticks += 2) {
        await writeFile(`${stat}.tmp`, procStat(busy, boot, ticks));
        await rename(`${stat}.tmp`, stat);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const args = ['investigate', '--proc-root', './trends/proc', '--log-dir', './trends/log', '--stream-root', './trends/stream'];
      return await vpt(ctx, args, { env: { TMPDIR: path.join(dir, 'tmp') }, all: false });
    } finally {
      compiling = false;
      await compiler;
    }
  })();
  return ctx.trends;
}

/** The report's section called `title`: its heading to the blank line after it. */
function section(report, title) {
  const lines = report.split('\n');
  const from = lines.indexOf(title);
  if (from < 0) throw new Error(`docs example: no "${title}" section in the report:\n${report}`);
  const to = lines.findIndex((l, i) => i > from && l === '');
  return lines.slice(from, to < 0 ? undefined : to);
}

/** One ranked cause of the diagnosis (`  N. <cause> (score S)` and its indented lines), after a `...` for the ones left out. */
function cause(report, name) {
  const lines = section(report, 'Diagnosis');
  const from = lines.findIndex((l) => new RegExp(`^  \\d+\\. ${name} \\(score`).test(l));
  if (from < 0) throw new Error(`docs example: no "${name}" in the diagnosis:\n${lines.join('\n')}`);
  const to = lines.findIndex((l, i) => i > from && /^ {2}\d+\. /.test(l));
  return ['Diagnosis', '  ...', ...lines.slice(from, to < 0 ? undefined : to)];
}

/** Three `--health` samples while capture_monitor.py and the monitor run, then a report once both have ended. */
async function endedReport(ctx) {
  const dir = path.join(ctx.dir, 'ended');
  const boot = Date.now() - 60 * MIN;
  const running = [
    { pid: 2345, argv: ['node', '/usr/local/bin/vpt', 'monitor'], startMs: Date.now() - 5_000, rssMB: 80 },
    { pid: 1234, argv: ['python3', '/opt/farm/capture_monitor.py'], startMs: Date.now() - 5_000, rssMB: 120 },
  ];
  await writeFakeProc(path.join(dir, 'proc'), running, boot, '0.52 0.58 0.59 2/345 2345');
  await mkdir(path.join(dir, 'stream'), { recursive: true });
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  const args = ['--proc-root', './ended/proc', '--log-dir', './ended/log', '--stream-root', './ended/stream'];
  const env = { TMPDIR: path.join(dir, 'tmp') };
  for (let i = 0; i < 3; i++) await vpt(ctx, ['investigate', '--health', '-q', ...args], { env });
  for (const p of running) await rm(path.join(dir, 'proc', String(p.pid)), { recursive: true });
  return vpt(ctx, ['investigate', ...args], { env, all: false });
}

export const investigateRecipes = {
  'health-log': { run: async (ctx) => (await healthSample(ctx)).log, volatile: HEALTH_VOLATILE },
  'health-nagios': { run: async (ctx) => (await healthSample(ctx)).nagios, volatile: HEALTH_VOLATILE },
  'health-prom': { run: async (ctx) => (await healthSample(ctx)).prom, volatile: HEALTH_VOLATILE },
  'investigate-trends': {
    run: async (ctx) => {
      const report = await trendReport(ctx);
      return [...section(report, 'Memory trends (last 3h)'), '', ...cause(report, 'leak trend')].join('\n');
    },
    volatile: [],
  },
  'investigate-cpu': {
    run: async (ctx) =>
      cause(await trendReport(ctx), 'CPU overload')
        .slice(2)
        .join('\n'),
    volatile: [/(uses )\d+(% CPU)/g],
  },
  'investigate-trends-ended': {
    run: async (ctx) => section(await endedReport(ctx), 'Memory trends (last 3h)').join('\n'),
    volatile: [],
  },
};

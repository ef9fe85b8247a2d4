// The monitor-status.md scenario: a live monitor on two devices, capture1 receiving frames and
// stopping for a while on purpose, capture2 whose ffmpeg never started. Everything shown on that
// page (status, incidents, stall lines, heartbeat, summary) comes from one run of it.
import { execa } from 'execa';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bareCapture, capture } from './capture.mjs';
import { ENV, FAKE_ROOT, VPT, shown, until, vpt } from './run.mjs';

/** The stall settings the scenario runs with: short, so the whole run takes about 30 s. */
const STALL_ARGS = ['--stall-after', '10s', '--incident-delay', '5s', '--heartbeat', '5s'];
const MONITOR_ARGS = ['monitor', '--devices', 'capture1,capture2', '--no-audio', '--listen', 'off', ...STALL_ARGS];
/** capture1's frames per second, and the frames it sends before it stops. */
const FEED_FPS = 5;
const FRAMES_BEFORE_STALL = 20;
/** The generated capture's first 3 s move: frames cycled from them never freeze. */
const MOVING_FRAMES = 15;
/** How long capture1 stays silent past the stall detection, so its incident has a visible span. */
const EXTRA_SILENCE_MS = 3_000;

const paths = (ctx) => {
  const root = path.join(ctx.dir, FAKE_ROOT);
  return { root, stream: path.join(root, 'var/www/html/stream'), state: path.join(root, 'var/lib/vpt') };
};
/** Runs read the fake root's state dir and stream root as a host's defaults would be. */
const envOf = (ctx) => ({ VPT_STATE_DIR: paths(ctx).state, VPT_STREAM_ROOT: paths(ctx).stream });
const run = (ctx, args, options = {}) => vpt(ctx, args, { env: envOf(ctx), ...options });
const cmd = async (ctx, args, options) => `$ vpt ${args.join(' ')}\n${await run(ctx, args, options)}`;

/**
 * capture1's ffmpeg: moving frames of the generated capture at FEED.fps (mtime now), from sequence
 * `from` on, until `more()` says stop.
 */
async function feed(source, captures, from, more) {
  const moving = (await readdir(path.join(source, 'captures'))).sort().slice(0, MOVING_FRAMES);
  for (let seq = from; more(seq); seq++) {
    const name = `capture_${String(seq).padStart(9, '0')}`;
    const src = moving[seq % moving.length].replace('.jpg', '');
    await copyFile(path.join(source, 'thumbnails', `${src}_thumbnail.jpg`), path.join(captures, '..', 'thumbnails', `${name}_thumbnail.jpg`));
    await copyFile(path.join(source, 'captures', `${src}.jpg`), path.join(captures, `${name}.tmp`));
    await rename(path.join(captures, `${name}.tmp`), path.join(captures, `${name}.jpg`));
    await new Promise((r) => setTimeout(r, 1000 / FEED_FPS));
  }
}

/** A command run in a pseudo-terminal (util-linux script), as a person at the console sees it. */
async function onTerminal(ctx, args) {
  const line = [VPT, ...args].map((a) => `'${a}'`).join(' ');
  const out = await execa('script', ['-q', '-e', '-c', line, '/dev/null'], {
    cwd: ctx.dir,
    env: { ...ENV, ...envOf(ctx), TERM: 'xterm', COLUMNS: '200' },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  return `$ vpt ${args.join(' ')}\n${shown(ctx, out.stdout.replaceAll('\r', ''))}`;
}

/** The scenario, run once; resolves to every output its recipes show. */
export function statusScenario(ctx) {
  ctx.status ??= (async () => {
    const source = await capture(ctx);
    const { stream, state } = paths(ctx);
    const captures = path.join(stream, 'capture1', 'captures');
    for (const d of [captures, path.join(stream, 'capture1', 'thumbnails'), path.join(stream, 'capture2'), state]) await mkdir(d, { recursive: true });
    const child = execa(VPT, MONITOR_ARGS, {
      cwd: ctx.dir,
      env: { ...ENV, ...envOf(ctx), TMPDIR: ctx.dir },
      extendEnv: false,
      reject: false,
      timeout: 180_000,
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const wait = (what, re) =>
      until(
        `${what} from the status scenario's monitor`,
        () => re.test(stderr),
        () => `stderr:\n${stderr}`,
      );
    const out = {};
    let stop = () => {};
    try {
      await wait('[MEMORY] line', /\[MEMORY\]/);
      await feed(source, captures, 0, (seq) => seq < FRAMES_BEFORE_STALL);
      await wait("capture1's incident", /INCIDENT #2 opened/);
      await new Promise((r) => setTimeout(r, EXTRA_SILENCE_MS));
      // From here on capture1 sends frames until the monitor stops.
      let feeding = true;
      const feeder = feed(source, captures, FRAMES_BEFORE_STALL, () => feeding);
      out.feeder = feeder.finally(() => {});
      stop = () => (feeding = false);
      await wait("capture1's incident resolved", /INCIDENT #2 resolved/);
      const beats = () => stderr.split('\n').filter((l) => / frames analysed, .* fps/.test(l));
      const seen = beats().length;
      await until(
        'a heartbeat after the frames came back',
        () => beats().length >= seen + 2,
        () => stderr,
      );
      out.heartbeat = shown(ctx, beats().slice(-2).join('\n'));
      out.status = `${await cmd(ctx, ['status'])}\n$ echo $?\n${(await execa(VPT, ['status'], { env: { ...ENV, ...envOf(ctx) }, extendEnv: false, reject: false })).exitCode}`;
      out.table = await onTerminal(ctx, ['incidents']);
      out.piped = `$ vpt incidents | cat\n${await run(ctx, ['incidents'])}`;
      out.since = await cmd(ctx, ['incidents', '--since', 'yesterday-ish']);
      // RFC 4180 ends records with CRLF; the docs show lines.
      out.csv = (await run(ctx, ['incidents', '--csv'])).replaceAll('\r\n', '\n');
      out.show = await cmd(ctx, ['incidents', 'show', '2']);
      out.lock = await run(ctx, ['monitor', '--devices', 'capture1', '--no-audio', '--listen', 'off']);
    } finally {
      child.kill('SIGTERM');
      await child;
      stop();
      await out.feeder;
    }
    out.log = shown(ctx, stderr);
    out.stopped = await cmd(ctx, ['status']);
    out.json = await run(ctx, ['status', '--json'], { all: false });
    await hostileSnapshots(ctx, out);
    return out;
  })();
  return ctx.status;
}

/** `vpt status` on a hand-edited snapshot and on one that is not a file. */
async function hostileSnapshots(ctx, out) {
  const file = path.join(paths(ctx).state, 'status.json');
  const snapshot = JSON.parse(await readFile(file, 'utf8'));
  snapshot.devices[0].states = 'fine';
  await writeFile(file, JSON.stringify(snapshot));
  const edited = await run(ctx, ['status']);
  await rm(file);
  await mkdir(file);
  out.unsound = `${edited}\n${await run(ctx, ['status'])}`;
}

/** What a run on the wall clock cannot repeat: times, durations, pids, sizes, the host, and capture1's counts. */
const STATUS_VOLATILE = [
  /\d{4}-\d\d-\d\dT[\d:.]+Z/g,
  /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g,
  /\b\d+(\.\d+)?(ms|s|m|h)\b\+?/g,
  /\b\d+ s old/g,
  /(pid )\d+/g,
  /(on )[^,]+(?=, vpt)/g,
  /(RSS )[\d.]+MB/g,
  /(CPU )[\d.]+%/g,
  /^(capture1 +)\d+ +\S+ +[\d.]+ +\d+/gm,
  /(last )\d+( at)/g,
  /\d+ frames analysed/g,
  // The frame account moves with the frames analysed: its figures, not its words, vary.
  /(of )\d+ frames seen: [^;]+/g,
  /\b[\d.]+ fps\b/g,
  /(duration_ms=)\d+/g,
  /,\d+,(?=cleared|,)/g,
  /("(pid|uptime_ms|rss_bytes|last_frame_age_ms|cpu_percent|fps|last_sequence|analysed_sequence|frames_analysed|frames_seen|frames_sampled|frames_pending)": )[\d.]+/g,
  /("host": )"[^"]*"/g,
];

const pick = (key, volatile = STATUS_VOLATILE) => ({ run: async (ctx) => (await statusScenario(ctx))[key], volatile, aligned: true });

export const statusRecipes = {
  'status-text': pick('status'),
  'status-unsound': pick('unsound', []),
  'status-stopped': pick('stopped'),
  'status-json': pick('json'),
  'incidents-table': pick('table'),
  'incidents-piped': pick('piped'),
  'incidents-since': pick('since', []),
  'incidents-csv': pick('csv'),
  'incidents-show-text': pick('show'),
  'stall-log': {
    run: async (ctx) =>
      (await statusScenario(ctx)).log
        .split('\n')
        .filter((l) => /stalled|INCIDENT|arriving again/.test(l))
        .join('\n'),
    volatile: STATUS_VOLATILE,
  },
  'heartbeat-log': pick('heartbeat'),
  'summary-log': {
    run: async (ctx) => {
      const log = (await statusScenario(ctx)).log.split('\n');
      return log.slice(log.findIndex((l) => l.startsWith('SIGTERM'))).join('\n');
    },
    volatile: [/(up )[^;]+/g, /\d+ frames analysed/g, /(of )\d+ frames seen: [^;]+/g, /(stopped in )\d+ms/g],
  },
  'monitor-lock': pick('lock', [/(pid )\d+/g]),
  'incidents-prune': {
    // After the scenario, in its state dir: a replay archived there an incident of 2025, long past 30 days.
    run: async (ctx) => {
      await statusScenario(ctx);
      const bare = path.dirname(path.dirname(await bareCapture(ctx)));
      await run(ctx, ['monitor', '--replay', '--stream-root', bare, '--no-audio', '-q']);
      return cmd(ctx, ['incidents', 'prune', '--older-than', '30d']);
    },
    volatile: [/(resolved before )\S+/g, /\([\d.]+[KMG]?B? freed\)/g],
  },
};

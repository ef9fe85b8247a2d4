// Example outputs in docs/ are made by running vpt, never typed (issue 28). A fenced block right
// after a line `<!-- example: ID -->` holds what recipe ID below prints, run with the built
// bin/vpt on a generated capture in a temp folder (TZ=UTC, the capture's clock fixed, the temp
// folder shown as /tmp/doc-demo).
//   node scripts/docs-examples.mjs          rewrite the blocks
//   node scripts/docs-examples.mjs --check  exit 1 naming each block that differs
// The check compares after masking what changes from run to run (analysis speed, RSS, pids, the
// wall clock): every figure on the capture's clock must be what the program prints today.
// test/docs/docs-examples.test.ts runs the check. Needs `npm run build` and ffmpeg.
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VPT = path.join(REPO, 'bin', 'vpt');
const SHOWN_ROOT = '/tmp/doc-demo';
/** The generated capture's first frame: 2025-10-17 14:30:00 UTC. */
const FIRST_FRAME_MS = Date.UTC(2025, 9, 17, 14, 30, 0);
const FPS = 5;
const MARKER = /^<!-- example: ([a-z0-9-]+) -->$/;

/** Episodes of the capture the examples replay: 3 s moving, a 40 s held picture, a 2 s channel change. */
const EPISODES = [
  ['testsrc2', 3],
  ['held', 40],
  ['testsrc2', 3],
  ['banner', 2],
  ['testsrc2', 3],
];

function source([kind, seconds]) {
  const size = `s=1280x720:r=${FPS}`;
  if (kind === 'held') return `testsrc=${size}:d=${1 / FPS},tpad=stop_mode=clone:stop_duration=${seconds - 1 / FPS}`;
  if (kind === 'banner') return `color=c=black:${size}:d=${seconds},drawbox=x=iw*0.05:y=ih*0.78:w=iw*0.9:h=ih*0.14:color=0x303030:t=fill`;
  return `${kind}=${size}:d=${seconds}`;
}

/** The farm's layout in RAM mode: `<device>/hot/captures/capture_N.jpg` and 320x180 thumbnails, mtimes on the capture clock. */
async function generateCapture(liveDir) {
  const captures = path.join(liveDir, 'captures');
  const thumbnails = path.join(liveDir, 'thumbnails');
  await mkdir(captures, { recursive: true });
  await mkdir(thumbnails, { recursive: true });
  const inputs = EPISODES.flatMap((e) => ['-f', 'lavfi', '-i', source(e)]);
  const concat = `${EPISODES.map((_, i) => `[${i}:v]format=yuv420p,setsar=1[v${i}];`).join('')}${EPISODES.map((_, i) => `[v${i}]`).join('')}concat=n=${EPISODES.length}:v=1:a=0,split=2[full][s];[s]scale=320:180:flags=neighbor[thumb]`;
  const out = (dir, name) => ['-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2', '-start_number', '0', path.join(dir, name)];
  await execa(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      concat,
      '-map',
      '[full]',
      ...out(captures, 'capture_%09d.jpg'),
      '-map',
      '[thumb]',
      ...out(thumbnails, 'capture_%09d_thumbnail.jpg'),
    ],
    {
      timeout: 120_000,
    },
  );
  const names = (await readdir(captures)).sort();
  for (const [seq, name] of names.entries()) {
    const when = (FIRST_FRAME_MS + (seq * 1000) / FPS) / 1000;
    await utimes(path.join(captures, name), when, when);
    await utimes(path.join(thumbnails, name.replace('.jpg', '_thumbnail.jpg')), when, when);
  }
}

/** A run of bin/vpt as a reader sees it: stderr and stdout interleaved, the temp folder shown as SHOWN_ROOT. */
async function vpt(ctx, args, options = {}) {
  const run = await execa(VPT, args, { cwd: ctx.dir, env: { TZ: 'UTC', NO_COLOR: '1' }, all: true, reject: false, timeout: 120_000, ...options });
  return String(run.all).replaceAll(ctx.dir, SHOWN_ROOT);
}

const replayArgs = ['monitor', '--replay', '--stream-root', './copy', '--no-audio'];
const liveArgs = ['monitor', '--stream-root', './stream', '--state-dir', './state', '--devices', 'capture1', '--no-audio', '--listen', 'off'];
/**
 * Frames copied into the live folder per second of wall time: the capture plays 3x faster than it
 * was made. The monitor falls into backlog sampling (which changes what is analysed) only if it
 * analyses under ~12 frames/s; a replay of this capture runs at 120-500 frames/s on a loaded 2-core machine.
 */
const FEED_FPS = 15;

/**
 * A live monitor (`vpt monitor`, with or without --json) watching ./stream while the generated capture's frames are
 * written there as ffmpeg writes them (thumbnail then capture, each renamed into place, mtimes on
 * the capture clock), stopped with SIGTERM once the incident has resolved and the zap was judged.
 * Run once per mode and check, each in its own stream root and state dir.
 */
function liveSession(ctx, json) {
  const key = json ? 'liveJson' : 'live';
  ctx[key] ??= (async () => {
    const from = path.join(ctx.dir, 'copy', 'capture1', 'hot');
    const to = path.join(ctx.dir, 'stream', 'capture1', 'hot');
    await rm(path.join(ctx.dir, 'stream'), { recursive: true, force: true });
    await rm(path.join(ctx.dir, 'state'), { recursive: true, force: true });
    for (const d of ['captures', 'thumbnails']) await mkdir(path.join(to, d), { recursive: true });
    // With --json, a webhook to a receiver on loopback: its bodies are an example too.
    const hook = json ? await webhookReceiver() : undefined;
    const args = json ? [...liveArgs, '--json', '--webhook', hook.url] : liveArgs;
    const child = execa(VPT, args, {
      cwd: ctx.dir,
      env: { TZ: 'UTC', NO_COLOR: '1', TMPDIR: ctx.dir },
      reject: false,
      timeout: 180_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const until = async (what, done) => {
      const deadline = Date.now() + 120_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`docs example: no ${what} from the live monitor; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await feed(until, from, to, () => stderr);
    } catch (err) {
      child.kill('SIGKILL');
      await child;
      throw err;
    }
    const said = () => (json ? stdout : stderr);
    await until('incident resolved', () => (json ? /"incident_resolved"/ : /INCIDENT #1 resolved/).test(said()));
    await until('zap judged', () => (json ? /"event":"zap"/ : /zap confirmed|no zap/).test(said()));
    if (hook) await until('both webhook posts', () => hook.bodies.length >= 2);
    child.kill('SIGTERM');
    await child;
    hook?.server.close();
    const shown = (text) => text.replaceAll(ctx.dir, SHOWN_ROOT);
    return { stdout: shown(stdout), stderr: shown(stderr), webhook: (hook?.bodies ?? []).map(shown) };
  })();
  return ctx[key];
}

/** A webhook endpoint on 127.0.0.1 that answers 200 and keeps each body. */
async function webhookReceiver() {
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, bodies, url: `http://127.0.0.1:${server.address().port}/hook` };
}

async function feed(until, from, to, stderr) {
  await until('[MEMORY] line', () => stderr().includes('[MEMORY]'));
  const names = (await readdir(path.join(from, 'captures'))).sort();
  const started = Date.now();
  for (const [i, name] of names.entries()) {
    const due = started + (i * 1000) / FEED_FPS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    for (const [dir, file] of [
      ['thumbnails', name.replace('.jpg', '_thumbnail.jpg')],
      ['captures', name],
    ]) {
      const target = path.join(to, dir, file);
      await copyFile(path.join(from, dir, file), `${target}.tmp`);
      const when = (await stat(path.join(from, dir, file))).mtime;
      await utimes(`${target}.tmp`, when, when);
      await rename(`${target}.tmp`, target);
    }
  }
}

const LIVE_VOLATILE = [
  /\d+ frames analysed/g,
  /vpt-\d+/g,
  /[\d.]+MB/g,
  /(stopped in )\d+ms/g,
  /(summary: up )[^;]+/g,
  /(frames: capture1 )of [^;]+/g,
  /("event":"memory","ts":")[^"]+/g,
  /("(rss|hwm)_bytes":)\d+/g,
];

/** Each recipe prints a block's content; `volatile` masks what differs from run to run. */
const RECIPES = {
  'replay-text': {
    run: async (ctx) => `$ vpt ${[...replayArgs, '--state-dir', './postmortem'].join(' ')}\n${await vpt(ctx, [...replayArgs, '--state-dir', './postmortem'])}`,
    volatile: [/[\d.]+ frames\/s/g, /(total: .* bad, )[\d.]+m?s/g],
  },
  'replay-json': {
    run: async (ctx) => `$ vpt --json ${replayArgs.join(' ')}\n${await vpt(ctx, ['--json', ...replayArgs], { all: false })}`,
    volatile: [/"(elapsed_ms|frames_per_second)": [\d.]+/g],
  },
  'monitor-log': {
    run: async (ctx) => (await liveSession(ctx, false)).stderr,
    volatile: LIVE_VOLATILE,
    // Start-up lines of different parts of the monitor may come in either order.
    unordered: true,
  },
  'monitor-json': {
    run: async (ctx) => {
      const lines = (await liveSession(ctx, true)).stdout.split('\n').filter(Boolean);
      const first = (event) => lines.find((l) => JSON.parse(l).event === event);
      return ['event_started', 'event_ended', 'incident_opened', 'incident_resolved', 'memory'].map(first).filter(Boolean).join('\n');
    },
    volatile: LIVE_VOLATILE,
  },
  'webhook-body': {
    run: async (ctx) => {
      const bodies = (await liveSession(ctx, true)).webhook.map((b) => JSON.parse(b));
      return JSON.stringify(
        bodies.find((b) => b.event === 'incident_resolved'),
        null,
        2,
      );
    },
    volatile: [/("host": )"[^"]*"/g],
  },
  'incidents-show': {
    run: async (ctx) =>
      `$ vpt incidents show 1 --state-dir ./postmortem --json\n${await vpt(ctx, ['incidents', 'show', '1', '--state-dir', './postmortem', '--json'])}`,
    volatile: [],
  },
};

/** Where the figures a run cannot repeat stand, so a check compares the rest. */
function masked(text, { volatile, unordered }) {
  const lines = volatile
    .reduce((t, re) => t.replace(re, (m, keep) => `${typeof keep === 'string' ? keep : ''}<varies>`), text)
    .trimEnd()
    .split('\n');
  return (unordered ? lines.sort() : lines).join('\n');
}

/** Every `<!-- example: ID -->` block of docs/*.md: file, id, the line range of its body. */
export async function exampleBlocks() {
  const docs = path.join(REPO, 'docs');
  const blocks = [];
  for (const name of (await readdir(docs)).filter((n) => n.endsWith('.md')).sort()) {
    const lines = (await readFile(path.join(docs, name), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      const id = MARKER.exec(line)?.[1];
      if (id === undefined) return;
      if (!/^```/.test(lines[i + 1] ?? '')) throw new Error(`docs/${name}:${i + 1}: "${line}" is not followed by a fenced block`);
      const end = lines.findIndex((l, j) => j > i + 1 && /^```\s*$/.test(l));
      if (end < 0) throw new Error(`docs/${name}:${i + 2}: the example's block is never closed`);
      blocks.push({ file: name, id, from: i + 2, to: end, body: lines.slice(i + 2, end).join('\n') });
    });
  }
  return blocks;
}

/** Run every recipe the docs use once, in one temp folder holding the generated capture. */
async function produce(ids) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vpt-docs-'));
  try {
    await generateCapture(path.join(dir, 'copy', 'capture1', 'hot'));
    const ctx = { dir };
    const out = new Map();
    // In recipe order: incidents-show reads the state dir replay-text wrote.
    for (const id of Object.keys(RECIPES)) if (ids.has(id)) out.set(id, (await RECIPES[id].run(ctx)).trimEnd());
    return out;
  } finally {
    // A monitor that failed mid-run may still be finishing its last writes: rm retries.
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The blocks whose content is not what their recipe prints now: [{ where, expected, actual }]. */
export async function checkExamples() {
  const blocks = await exampleBlocks();
  for (const b of blocks) if (!RECIPES[b.id]) throw new Error(`docs/${b.file}:${b.from}: no recipe "${b.id}" in scripts/docs-examples.mjs`);
  const needed = new Set(blocks.map((b) => b.id));
  if (needed.has('incidents-show')) needed.add('replay-text');
  const produced = await produce(needed);
  return blocks
    .map((b) => ({
      where: `docs/${b.file}:${b.from}`,
      expected: masked(produced.get(b.id), RECIPES[b.id]),
      actual: masked(b.body, RECIPES[b.id]),
    }))
    .filter((d) => d.expected !== d.actual);
}

async function rewrite() {
  const blocks = await exampleBlocks();
  const needed = new Set(blocks.map((b) => b.id));
  if (needed.has('incidents-show')) needed.add('replay-text');
  const produced = await produce(needed);
  for (const file of new Set(blocks.map((b) => b.file))) {
    const full = path.join(REPO, 'docs', file);
    const lines = (await readFile(full, 'utf8')).split('\n');
    // Bottom-up, so earlier blocks' line numbers stay right.
    for (const b of blocks.filter((x) => x.file === file).reverse()) lines.splice(b.from, b.to - b.from, ...produced.get(b.id).split('\n'));
    await writeFile(full, lines.join('\n'));
    console.log(`rewrote ${blocks.filter((x) => x.file === file).length} example(s) in docs/${file}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const differing = await checkExamples();
    for (const d of differing) console.error(`${d.where}: differs from what vpt prints now\n--- docs\n${d.actual}\n+++ vpt\n${d.expected}`);
    process.exitCode = differing.length > 0 ? 1 : 0;
  } else {
    await rewrite();
  }
}

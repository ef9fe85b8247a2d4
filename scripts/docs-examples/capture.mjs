// The generated capture the monitor examples replay and watch live, and the live sessions over it.
import { execa } from 'execa';
import { copyFile, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { ENV, VPT, shown, until, webhookReceiver } from './run.mjs';

/** The generated capture's first frame: 2025-10-17 14:30:00 UTC. */
const FIRST_FRAME_MS = Date.UTC(2025, 9, 17, 14, 30, 0);
export const FPS = 5;
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
  const maps = [...['-map', '[full]', ...out(captures, 'capture_%09d.jpg')], ...['-map', '[thumb]', ...out(thumbnails, 'capture_%09d_thumbnail.jpg')]];
  await execa('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', concat, ...maps], { timeout: 120_000 });
  const names = (await readdir(captures)).sort();
  for (const [seq, name] of names.entries()) {
    const when = (FIRST_FRAME_MS + (seq * 1000) / FPS) / 1000;
    await utimes(path.join(captures, name), when, when);
    await utimes(path.join(thumbnails, name.replace('.jpg', '_thumbnail.jpg')), when, when);
  }
}

/** `<liveDir>/captures` and `thumbnails` from one lavfi source at FPS, mtimes on the capture clock. */
export async function renderFrames(liveDir, lavfi) {
  const captures = path.join(liveDir, 'captures');
  const thumbnails = path.join(liveDir, 'thumbnails');
  await mkdir(captures, { recursive: true });
  await mkdir(thumbnails, { recursive: true });
  const out = (dir, name) => ['-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2', '-start_number', '0', path.join(dir, name)];
  const graph = `${lavfi},format=yuv420p,split=2[full][s];[s]scale=320:180:flags=neighbor[thumb]`;
  const maps = [...['-map', '[full]', ...out(captures, 'capture_%09d.jpg')], ...['-map', '[thumb]', ...out(thumbnails, 'capture_%09d_thumbnail.jpg')]];
  await execa('ffmpeg', ['-v', 'error', '-y', '-filter_complex', graph, ...maps], { timeout: 120_000 });
  const names = (await readdir(captures)).sort();
  for (const [seq, name] of names.entries()) {
    const when = (FIRST_FRAME_MS + (seq * 1000) / FPS) / 1000;
    await utimes(path.join(captures, name), when, when);
    await utimes(path.join(thumbnails, name.replace('.jpg', '_thumbnail.jpg')), when, when);
  }
}

/** `<temp>/copy/capture1/hot`: the generated capture, made once per run of the script. */
export function capture(ctx) {
  ctx.capture ??= (async () => {
    const hot = path.join(ctx.dir, 'copy', 'capture1', 'hot');
    await generateCapture(hot);
    return hot;
  })();
  return ctx.capture;
}

export const liveArgs = ['monitor', '--stream-root', './stream', '--state-dir', './state', '--devices', 'capture1', '--no-audio', '--listen', 'off'];
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
 * Run once per mode, each in its own stream root and state dir. With --json, the webhook goes to a
 * receiver on loopback that answers its first POST with HTTP 500: the retry is an example too.
 */
export function liveSession(ctx, json) {
  const key = json ? 'liveJson' : 'live';
  ctx[key] ??= (async () => {
    const from = await capture(ctx);
    const root = path.join(ctx.dir, json ? 'json' : 'text');
    const to = path.join(root, 'stream', 'capture1', 'hot');
    for (const d of ['captures', 'thumbnails']) await mkdir(path.join(to, d), { recursive: true });
    const hook = json ? await webhookReceiver([500]) : undefined;
    const args = json ? [...liveArgs, '--json', '--webhook', `http://farm:s3cret@127.0.0.1:${hook.port}/hook?token=abc123&site=lab`] : liveArgs;
    const child = execa(VPT, args, { cwd: root, env: { ...ENV, TMPDIR: root }, extendEnv: false, reject: false, timeout: 180_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const wait = (what, done) => until(`${what} from the live monitor`, done, () => `stderr:\n${stderr}`);
    try {
      await wait('[MEMORY] line', () => stderr.includes('[MEMORY]'));
      await feed(from, to);
      const said = () => (json ? stdout : stderr);
      await wait('incident resolved', () => (json ? /"incident_resolved"/ : /INCIDENT #1 resolved/).test(said()));
      await wait('zap judged', () => (json ? /"event":"zap"/ : /zap confirmed|no zap/).test(said()));
      // One failed POST, then the opened and resolved notifications.
      if (hook) await wait('all webhook posts', () => hook.requests.length >= 3);
    } finally {
      child.kill('SIGTERM');
      await child;
      hook?.server.close();
    }
    const show = (text) => shown({ dir: root }, text).replaceAll(String(hook?.port), '41235');
    return { stdout: show(stdout), stderr: show(stderr), requests: (hook?.requests ?? []).map((r) => ({ ...r, body: show(r.body) })) };
  })();
  return ctx[key];
}

async function feed(from, to) {
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

/** `<temp>/bare/capture1/hot`: the capture without its thumbnails folder, for the replay that analyses the captures. */
export function bareCapture(ctx) {
  ctx.bare ??= (async () => {
    const hot = await capture(ctx);
    const bare = path.join(ctx.dir, 'bare', 'capture1', 'hot', 'captures');
    await mkdir(bare, { recursive: true });
    for (const name of await readdir(path.join(hot, 'captures'))) {
      const when = (await stat(path.join(hot, 'captures', name))).mtime;
      await copyFile(path.join(hot, 'captures', name), path.join(bare, name));
      await utimes(path.join(bare, name), when, when);
    }
    await rm(path.join(ctx.dir, 'bare', 'capture1', 'hot', 'thumbnails'), { recursive: true, force: true });
    return path.dirname(bare);
  })();
  return ctx.bare;
}

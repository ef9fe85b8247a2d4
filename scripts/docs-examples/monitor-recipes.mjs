// Recipes over the generated capture: the replay, the live monitor's log and JSON lines, its webhook.
import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FPS, bareCapture, capture, liveSession, renderFrames } from './capture.mjs';
import { ENV, VPT, session, shown, until, vpt } from './run.mjs';

const replayArgs = ['monitor', '--replay', '--stream-root', './copy', '--no-audio'];
const postmortemArgs = [...replayArgs, '--state-dir', './postmortem'];

/** The replay that stores its incidents in ./postmortem, run once (incidents show and prune read it). */
function postmortem(ctx) {
  ctx.postmortem ??= capture(ctx).then(() => session(ctx, postmortemArgs));
  return ctx.postmortem;
}

/** The freeze evidence keys of the per-frame JSON. */
const FREEZE_KEYS = ['freeze', 'freeze_diffs', 'freeze_rule', 'freeze_changed_area', 'freeze_noise_floor', 'freeze_pixel_threshold', 'masked_percentage'];
/** Two seconds of each picture, so the last frame has its full set of comparisons. */
const EVIDENCE_SECONDS = 2;

/**
 * The freeze evidence of the last frame of two generated captures, replayed: a 20-pixel ball moving
 * on a device whose clock (a box moving in the top right corner) is masked, and a still picture
 * under ffmpeg's temporal noise (strength 10).
 */
async function freezeEvidence(ctx) {
  const d = EVIDENCE_SECONDS;
  const pictures = {
    ball: `color=c=0x404040:s=1280x720:r=${FPS}:d=${d}[bg];color=c=white:s=20x20:r=${FPS}:d=${d}[ball];color=c=white:s=20x20:r=${FPS}:d=${d}[clock];[bg][ball]overlay=x='200+t*100':y=300[b];[b][clock]overlay=x='1110+mod(t*60,120)':y=40`,
    noisy: `testsrc=s=1280x720:r=${FPS}:d=${1 / FPS},tpad=stop_mode=clone:stop_duration=${d - 1 / FPS},noise=alls=10:allf=t`,
  };
  const config = path.join(ctx.dir, 'evidence', 'clock-mask.toml');
  await mkdir(path.dirname(config), { recursive: true });
  await writeFile(config, '[devices.capture1]\nignore = [{ x = 1100, y = 20, w = 160, h = 60 }]\n');
  const lines = [];
  for (const [name, lavfi] of Object.entries(pictures)) {
    const root = path.join(ctx.dir, 'evidence', name);
    await renderFrames(path.join(root, 'capture1', 'hot'), lavfi);
    const mask = name === 'ball' ? ['--config', config] : [];
    await vpt(ctx, ['monitor', '--replay', '--stream-root', root, '--no-audio', '-q', ...mask]);
    const last = `capture_${String(d * FPS - 1).padStart(9, '0')}.json`;
    const frame = JSON.parse(await readFile(path.join(root, 'capture1', 'hot', 'metadata', last), 'utf8'));
    lines.push(JSON.stringify(Object.fromEntries(FREEZE_KEYS.map((k) => [k, frame[k]]))));
  }
  return lines.join('\n');
}

const LIVE_VOLATILE = [
  /\d+ frames analysed/g,
  /vpt-\d+/g,
  /[\d.]+MB/g,
  /(stopped in )\d+ms/g,
  /(summary: up )[^;]+/g,
  /(of )\d+ frames seen: [^;]+/g,
  /("event":"memory","ts":")[^"]+/g,
  /("(rss|hwm)_bytes":)\d+/g,
];

const lines = (text, re) => text.split('\n').filter((l) => re.test(l));

export const monitorRecipes = {
  'replay-text': {
    run: postmortem,
    volatile: [/[\d.]+ frames\/s/g, /(total: .* bad, )[\d.]+m?s/g],
  },
  'replay-json': {
    run: async (ctx) => (await capture(ctx), session(ctx, ['--json', ...replayArgs], { all: false })),
    volatile: [/"(elapsed_ms|frames_per_second)": [\d.]+/g],
  },
  'replay-bare': {
    run: async (ctx) => (await bareCapture(ctx), session(ctx, ['monitor', '--replay', '--stream-root', './bare', '--no-audio'])),
    volatile: [/[\d.]+ frames\/s/g, /(total: .* bad, )[\d.]+m?s/g],
  },
  'replay-interrupted': {
    // Ctrl-C once the replay has started (its first warning is about the first frame).
    run: async (ctx) => {
      await bareCapture(ctx);
      const args = ['monitor', '--replay', '--stream-root', './bare', '--no-audio'];
      const child = execa(VPT, args, { cwd: ctx.dir, env: { ...ENV, TMPDIR: ctx.dir }, extendEnv: false, all: true, reject: false, timeout: 120_000 });
      let all = '';
      child.all.on('data', (c) => (all += c));
      await until(
        'first warning of the replay',
        () => all.includes('warning:'),
        () => all,
      );
      child.kill('SIGINT');
      const run = await child;
      if (run.exitCode !== 130) throw new Error(`docs example: the interrupted replay exited ${run.exitCode}, not 130:\n${run.all}`);
      return shown(ctx, run.all)
        .split('\n')
        .filter((l) => !l.startsWith('warning:'))
        .join('\n');
    },
    volatile: [/\d+\/255 frames analysed, \d+ events? started/g],
  },
  'freeze-evidence': { run: freezeEvidence, volatile: [] },
  'incidents-show': {
    run: async (ctx) => (await postmortem(ctx), session(ctx, ['incidents', 'show', '1', '--state-dir', './postmortem', '--json'])),
    volatile: [],
  },
  'monitor-log': {
    run: async (ctx) => (await liveSession(ctx, false)).stderr,
    volatile: LIVE_VOLATILE,
    // Start-up lines of different parts of the monitor may come in either order.
    unordered: true,
  },
  'monitor-json': {
    run: async (ctx) => {
      const out = (await liveSession(ctx, true)).stdout.split('\n').filter(Boolean);
      const first = (event) => out.find((l) => JSON.parse(l).event === event);
      return ['event_started', 'event_ended', 'incident_opened', 'incident_resolved', 'memory'].map(first).filter(Boolean).join('\n');
    },
    volatile: LIVE_VOLATILE,
  },
  'webhook-body': {
    run: async (ctx) => {
      const bodies = (await liveSession(ctx, true)).requests.map((r) => JSON.parse(r.body));
      return JSON.stringify(
        bodies.find((b) => b.event === 'incident_resolved'),
        null,
        2,
      );
    },
    volatile: [/("host": )"[^"]*"/g],
  },
  'webhook-request': {
    run: async (ctx) => {
      const req = (await liveSession(ctx, true)).requests.find((r) => JSON.parse(r.body).event === 'incident_resolved');
      const headers = ['content-type', 'authorization', 'x-vpt-delivery'].map((h) => `${h}: ${req.headers[h]}`);
      return [`${req.method} ${req.url}`, ...headers].join('\n');
    },
    volatile: [],
  },
  'webhook-secrets': {
    run: async (ctx) => {
      const failed = lines((await liveSession(ctx, true)).stderr, /^warning: webhook: /);
      return [failed[0], await vpt(ctx, ['monitor', '--webhook', 'ftp://farm:s3cret@host/x?sig=abc'])].join('\n');
    },
    volatile: [],
  },
};

// Recipes over the generated capture: the replay, the live monitor's log and JSON lines, its webhook.
import { execa } from 'execa';
import { bareCapture, capture, liveSession } from './capture.mjs';
import { ENV, VPT, session, shown, until, vpt } from './run.mjs';

const replayArgs = ['monitor', '--replay', '--stream-root', './copy', '--no-audio'];
const postmortemArgs = [...replayArgs, '--state-dir', './postmortem'];

/** The replay that stores its incidents in ./postmortem, run once (incidents show and prune read it). */
function postmortem(ctx) {
  ctx.postmortem ??= capture(ctx).then(() => session(ctx, postmortemArgs));
  return ctx.postmortem;
}

const LIVE_VOLATILE = [
  /\d+ frames analysed/g,
  /vpt-\d+/g,
  /[\d.]+MB/g,
  /(stopped in )\d+ms/g,
  /(summary: up )[^;]+/g,
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
      await until('first warning of the replay', () => all.includes('warning:'), () => all);
      child.kill('SIGINT');
      const run = await child;
      if (run.exitCode !== 130) throw new Error(`docs example: the interrupted replay exited ${run.exitCode}, not 130:\n${run.all}`);
      return shown(ctx, run.all).split('\n').filter((l) => !l.startsWith('warning:')).join('\n');
    },
    volatile: [/\d+\/255 frames analysed, \d+ events? started/g],
  },
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

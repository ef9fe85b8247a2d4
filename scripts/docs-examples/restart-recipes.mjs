// docs/farm-ffmpeg.md's sequence: a capture that freezes, stops on the frozen picture, and comes back
// with ffmpeg restarted plainly (numbering from 0 again), watched by a live monitor with --json.
import { execa } from 'execa';
import { copyFile, mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { capture } from './capture.mjs';
import { ENV, VPT, until } from './run.mjs';

/** Short timings so the whole run takes about 15 s of wall time. */
const MONITOR_ARGS = ['--stall-after', '3s', '--incident-delay', '2s', '--min-event', '1s'];
const FEED_FPS = 5;
/** Frames of the first run: moving, then one picture held (a freeze long enough for its incident). */
const MOVING = 5;
const HELD = 20;
/** Frames of the restarted run, numbered from 0 again. */
const AFTER_RESTART = 10;
const SHOWN_EVENTS = ['stall_started', 'event_ended', 'incident_resolved', 'capture_restarted', 'stall_ended'];

/** Frames into `captures` (thumbnails beside), each a copy of the generated capture's frame `pick(i)`, mtime now. */
async function play(source, captures, numbers, pick) {
  const names = (await readdir(path.join(source, 'captures'))).sort();
  for (const [i, seq] of numbers.entries()) {
    const name = `capture_${String(seq).padStart(9, '0')}`;
    const src = names[pick(i)].replace('.jpg', '');
    await copyFile(path.join(source, 'thumbnails', `${src}_thumbnail.jpg`), path.join(captures, '..', 'thumbnails', `${name}_thumbnail.jpg`));
    await copyFile(path.join(source, 'captures', `${src}.jpg`), path.join(captures, `${name}.tmp`));
    await rename(path.join(captures, `${name}.tmp`), path.join(captures, `${name}.jpg`));
    await new Promise((r) => setTimeout(r, 1000 / FEED_FPS));
  }
}

const range = (from, count) => Array.from({ length: count }, (_, i) => from + i);

/** The run, once: the first JSON line of each event type the page shows, in that order. */
export function restartScenario(ctx) {
  ctx.restart ??= (async () => {
    const source = await capture(ctx);
    const root = path.join(ctx.dir, 'restart');
    const captures = path.join(root, 'stream', 'capture1', 'captures');
    for (const d of [captures, path.join(root, 'stream', 'capture1', 'thumbnails')]) await mkdir(d, { recursive: true });
    const args = [
      'monitor',
      '--stream-root',
      './stream',
      '--state-dir',
      './state',
      '--devices',
      'capture1',
      '--no-audio',
      '--listen',
      'off',
      '--json',
      ...MONITOR_ARGS,
    ];
    const child = execa(VPT, args, { cwd: root, env: { ...ENV, TMPDIR: root }, extendEnv: false, reject: false, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const wait = (what) =>
      until(
        `${what} from the restarted capture's monitor`,
        () => stdout.includes(`"event":"${what}"`),
        () => `stderr:\n${stderr}`,
      );
    try {
      await until(
        'the monitor to start',
        () => stderr.includes('[MEMORY]'),
        () => stderr,
      );
      // The generated capture's frames 0-4 move; frame 20 is in its held picture.
      await play(source, captures, range(0, MOVING + HELD), (i) => (i < MOVING ? i : 20));
      await wait('stall_started');
      await wait('incident_resolved');
      await play(source, captures, range(0, AFTER_RESTART), (i) => i);
      await wait('stall_ended');
    } finally {
      child.kill('SIGTERM');
      await child;
    }
    const lines = stdout.split('\n').filter(Boolean);
    return SHOWN_EVENTS.map((e) => lines.find((l) => JSON.parse(l).event === e)).join('\n');
  })();
  return ctx.restart;
}

export const restartRecipes = {
  'capture-restart-json': {
    run: restartScenario,
    volatile: [/("(ts|start)":)"[^"]+"/g, /("duration_ms":)[\d.]+/g],
  },
};

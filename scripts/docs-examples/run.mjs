// What every recipe of scripts/docs-examples.mjs shares: how bin/vpt is run and how its output is shown.
import { execa } from 'execa';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VPT = path.join(REPO, 'bin', 'vpt');
/** The temp folder as the docs show it. */
export const SHOWN_ROOT = '/tmp/doc-demo';
/** Where a recipe's fake root is: `<temp>/root/etc/vpt/vpt.toml` is shown as `/etc/vpt/vpt.toml`. */
export const FAKE_ROOT = 'root';
/** Every run's environment: UTC, no colour, HOME as root's (defaults shown as on a farm host), nothing from the caller's VPT_* variables. */
export const ENV = { PATH: process.env.PATH, HOME: '/root', TZ: 'UTC', NO_COLOR: '1', LANG: 'C.UTF-8' };
/** No run of vpt here takes longer, even on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 120_000;

/**
 * Text as a reader sees it: the fake root's paths as the system's, the temp folder as SHOWN_ROOT,
 * this node and this checkout as a packaged install's.
 */
export function shown(ctx, text) {
  return String(text)
    .replaceAll(path.join(ctx.dir, FAKE_ROOT), '')
    .replaceAll(ctx.dir, SHOWN_ROOT)
    .replaceAll(process.execPath, '/usr/bin/node')
    .replaceAll(REPO, '/opt/vpt');
}

/** A run of bin/vpt: stderr and stdout interleaved (or only stdout with `{ all: false }`), shown as a reader sees it. */
export async function vpt(ctx, args, { all = true, env = {}, ...options } = {}) {
  const run = await execa(VPT, args, {
    cwd: ctx.dir,
    env: { ...ENV, TMPDIR: ctx.dir, ...env },
    extendEnv: false,
    all,
    reject: false,
    timeout: RUN_TIMEOUT_MS,
    ...options,
  });
  return shown(ctx, all ? run.all : run.stdout);
}

/** `$ <command line>` then what it printed, the way the docs show a session. */
export async function session(ctx, args, options) {
  return `$ vpt ${shown(ctx, args.join(' '))}\n${await vpt(ctx, args, options)}`;
}

/** Resolve once `done()` holds, checking every 50 ms; fail naming `what` after `ms`. */
export async function until(what, done, describe = () => '', ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`docs example: no ${what}; ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A webhook endpoint on 127.0.0.1 that answers `statuses` in turn (then 200) and keeps each request. */
export async function webhookReceiver(statuses = []) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, port: server.address().port };
}

// `npm run build`, after tsc: two CommonJS bundles that bin/vpt loads (issue 15), each with a V8
// code cache made by running it once here.
// - dist/health.cjs: the health entry (src/health-entry.ts), what a timer runs every 30 s. A sample
//   spent more time resolving and compiling ~40 small ES modules than doing its work.
// - dist/frame-json-worker.cjs: --replay's frame JSON writer thread.
// - dist/cli.cjs: the full CLI (src/cli.ts, every command, commander). One file instead of ~150 ES
//   modules: the ES loader's resolve/translate/link was a third of `vpt --help` and ~150 ms of a
//   `monitor --replay`. A command's modules sit in the file as lazy wrappers and run only when the
//   command is chosen.
// Packages that are native, large or loaded only on some paths stay in node_modules.
// tsc's dist/**/*.js stays as well: tests and benches import single modules from it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const { CACHE_MARK, IMPORT_PARAM } = createRequire(import.meta.url)('../bin/load-bundle.cjs');

/** Modules the health bundle must never contain (test/cli/health-bundle.test.ts checks the run too). */
const NEVER_IN_HEALTH = ['sharp', 'better-sqlite3', 'commander', 'prom-client', 'execa', 'ora', 'playwright-core'];
/**
 * Packages left out of the full CLI's bundle: native addons (sharp, better-sqlite3), and what only
 * some paths load (zod and smol-toml: a vpt.toml; prom-client: --listen; execa: a report; ora: a
 * terminal; fast-glob: a glob; pidusage: the live monitor). ES-only ones (execa, ora) are reached
 * through import(), which the build points at bin/load-bundle.cjs.
 */
const OUTSIDE_CLI = ['sharp', 'better-sqlite3', 'prom-client', 'zod', 'smol-toml', 'execa', 'ora', 'fast-glob', 'pidusage', 'playwright-core'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // import.meta.dirname of the source modules (package.json and worker lookups) is the bundle's folder.
  define: { 'import.meta.dirname': '__dirname' },
  logLevel: 'warning',
};

const healthOnly = {
  name: 'health-only',
  setup(b) {
    // The probes' lazy command runner (execa): a sample never runs a program, so it stays a separate,
    // never-loaded module (tsc's output next to the bundle) rather than execa's ~60 files inside it.
    b.onResolve({ filter: /\/process-runner\.js$/ }, () => ({ path: './core/process/process-runner.js', external: true }));
    b.onResolve({ filter: new RegExp(`^(${NEVER_IN_HEALTH.join('|')})(/|$)`) }, (args) => ({
      errors: [{ text: `${args.path} must not be bundled into the health entry (imported by ${path.relative(root, args.importer)})` }],
    }));
    // Packages stay in node_modules, loaded only if a sample reaches them (fast-glob for a
    // --cache-dirs glob); chalk (ESM, a few KB, used by every run through the Ui) is bundled.
    b.onResolve({ filter: /^[^./#]/ }, (args) => (args.path === 'chalk' || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};

const cliOutside = {
  name: 'cli-outside',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${OUTSIDE_CLI.join('|')})(/|$)`) }, (args) => ({ path: args.path, external: true }));
    // commander requires child_process at load time for executable subcommands, which vpt has none
    // of; loading it (with net, dgram and the stream modules) was a tenth of `vpt --help`.
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`) ? { path: 'lazy-child-process', namespace: 'vpt' } : undefined,
    );
    b.onLoad({ filter: /^lazy-child-process$/, namespace: 'vpt' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * After esbuild: every `import("x")` left in the bundle goes through the loader's importer (code run
 * by vm.Script has no import() of its own), and the bundle's last line names its code cache.
 */
function finish(file, allowed) {
  let code = readFileSync(file, 'utf8');
  code = code.replace(/\bimport\("([^"]+)"\)/g, (whole, specifier) => {
    const bare = specifier.startsWith('.') ? specifier : specifier.split('/')[0];
    if (!allowed.includes(bare)) throw new Error(`${path.relative(root, file)}: unexpected ${whole}; add it to the bundle's outside list or bundle it`);
    return `${IMPORT_PARAM}(${JSON.stringify(specifier)})`;
  });
  if (/\bimport\(/.test(code.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""'))) {
    throw new Error(`${path.relative(root, file)}: an import() the build could not rewrite`);
  }
  // ASCII only (esbuild escapes strings, not regular expressions): the loader reads it as latin1,
  // a third of the time of a UTF-8 decode of half a megabyte.
  const nonAscii = /[^\x00-\x7f]/.exec(code);
  if (nonAscii)
    throw new Error(`${path.relative(root, file)}: non-ASCII ${JSON.stringify(code.slice(nonAscii.index - 40, nonAscii.index + 10))}; escape it in the source`);
  const cache = `${path.basename(file)}.${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cache`;
  writeFileSync(file, `${code}${CACHE_MARK}${cache}\n`);
}

// Caches of earlier builds go first: each is named by its bundle's hash and would never be read again.
for (const name of readdirSync(dist)) if (name.endsWith('.cache') || name.includes('.cache.tmp-')) rmSync(path.join(dist, name));

await build({
  ...common,
  entryPoints: [path.join(root, 'src/health-entry.ts')],
  outfile: path.join(dist, 'health.cjs'),
  plugins: [healthOnly],
});
finish(path.join(dist, 'health.cjs'), ['./core/process/process-runner.js', 'fast-glob']);

await build({
  ...common,
  entryPoints: [path.join(root, 'src/cli.ts')],
  outfile: path.join(dist, 'cli.cjs'),
  plugins: [cliOutside],
});
finish(path.join(dist, 'cli.cjs'), OUTSIDE_CLI);

// execa, an ES-only package of ~60 modules, as one CommonJS file of its own, loaded by the CLI's
// `import("execa")` (bin/load-bundle.cjs BUNDLED_PACKAGES) with its code cache. Importing the package
// took 70-85 ms of every command that runs a program, on the main thread (a replay with audio: its
// first frame waited for it); the bundle takes ~15 ms without its cache (`node -e` timings, 2-core x64).
await build({
  ...common,
  entryPoints: [fileURLToPath(import.meta.resolve('execa'))],
  outfile: path.join(dist, 'execa.cjs'),
});
finish(path.join(dist, 'execa.cjs'), []);

// The replay's frame JSON writer thread (src/core/pipeline/frame-json-writer.ts finds it beside
// dist/cli.cjs). Started by `new Worker()`, not bin/load-bundle.cjs: no code cache, no import().
await build({
  ...common,
  entryPoints: [path.join(root, 'src/core/pipeline/frame-json-worker.ts')],
  outfile: path.join(dist, 'frame-json-worker.cjs'),
  plugins: [cliOutside],
});

/**
 * The code caches: each bundle run once through bin/load-bundle.cjs as bin/vpt runs it, then V8's
 * compiled code written at exit. `vpt --help` for the CLI; a health sample of an empty stream root
 * into a temp folder (it reads /proc, writes only there) for the health entry.
 */
function writeCache(bundle, argv, env = {}) {
  const argvCode = `[process.execPath, ${JSON.stringify(path.join(root, 'bin/vpt'))}, ...${JSON.stringify(argv)}]`;
  runForCache(bundle, `loaded.exports.main(${argvCode}, () => { throw new Error('not the health fast path'); });`, env);
}

/** Loads dist/<bundle> as bin/vpt does, runs `code` (with `loaded` in scope), and writes V8's compiled code at exit. */
function runForCache(bundle, code, env = {}) {
  const script = `
const { loadBundle } = require(${JSON.stringify(path.join(root, 'bin/load-bundle.cjs'))});
const loaded = loadBundle(${JSON.stringify(bundle)});
process.on('exit', () => loaded.writeCache());
${code}
`;
  const run = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, timeout: 60_000 });
  const cacheName = readFileSync(path.join(dist, bundle), 'utf8').trim().split(CACHE_MARK).at(-1);
  const made = readdirSync(dist).includes(cacheName);
  if (!made) process.stderr.write(`bundle: no code cache for dist/${bundle} (exit ${run.status}): ${String(run.stderr).trim().split('\n')[0]}\n`);
}

const work = mkdtempSync(path.join(tmpdir(), 'vpt-bundle-'));
try {
  writeCache('cli.cjs', ['--help']);
  // A program run as the CLI runs them (argument array, timeout, output kept).
  runForCache('execa.cjs', `loaded.exports.execa(process.execPath, ['-e', '0'], { timeout: 10000 });`);
  mkdirSync(path.join(work, 'stream'));
  writeCache(
    'health.cjs',
    ['investigate', '--health', '--stream-root', path.join(work, 'stream'), '--log-dir', path.join(work, 'log'), '--prom', path.join(work, 'vpt.prom')],
    { TMPDIR: work },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

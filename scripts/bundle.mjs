// `npm run build`, after tsc: bundle the health entry into one file, dist/health.js (issue 15).
// A 30 s health sample spent more time resolving and compiling ~40 small ES modules than doing its
// work; one file is read and compiled once. The full CLI (dist/cli.js) stays outside: the bundle
// imports it only for arguments the fast path does not take, and commander never enters the bundle.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Modules the health bundle must never contain (test/cli/health-bundle.test.ts checks the run too). */
const NEVER_IN_HEALTH = ['sharp', 'better-sqlite3', 'commander', 'prom-client', 'execa', 'ora', 'playwright-core'];

const keepFullCliOutside = {
  name: 'full-cli-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli\.js$/ }, () => ({ path: './cli.js', external: true }));
    // The probes' lazy command runner (execa): a sample never runs a program, so it stays a separate,
    // never-loaded module next to the bundle rather than execa's ~60 files inside it.
    b.onResolve({ filter: /\/process-runner\.js$/ }, () => ({ path: './core/process/process-runner.js', external: true }));
    b.onResolve({ filter: new RegExp(`^(${NEVER_IN_HEALTH.join('|')})(/|$)`) }, (args) => ({
      errors: [{ text: `${args.path} must not be bundled into the health entry (imported by ${path.relative(root, args.importer)})` }],
    }));
    // Packages stay in node_modules, loaded only if a sample reaches them (fast-glob for a
    // --cache-dirs glob); chalk (ESM, a few KB, used by every run through the Ui) is bundled.
    b.onResolve({ filter: /^[^./#]/ }, (args) => (args.path === 'chalk' || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: [path.join(root, 'src/health-entry.ts')],
  outfile: path.join(root, 'dist/health.cjs'),
  bundle: true,
  platform: 'node',
  // CommonJS: an ES module's `import ... from 'node:fs'` builds an ESM facade of the builtin, which
  // touches every lazy getter (fs.ReadStream loads all the stream modules); require() does not.
  format: 'cjs',
  target: 'node20',
  // Whitespace and syntax only: identifiers stay readable in --verbose stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [keepFullCliOutside],
  logLevel: 'warning',
});

// The full CLI's entry with commander inlined (dist/cli-bundle.js): `vpt --help` and every command
// start without resolving and wrapping commander's CommonJS files one by one. vpt's own modules stay
// separate files (one copy of each: the command modules import the same core/errors.js instance).
const ownModulesOutside = {
  name: 'own-modules-outside',
  setup(b) {
    const src = path.join(root, 'src') + path.sep;
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind !== 'entry-point' && args.importer.startsWith(src) ? { path: args.path, external: true } : undefined,
    );
  },
};
await build({
  entryPoints: [path.join(root, 'src/cli.ts')],
  outfile: path.join(root, 'dist/cli-bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  // commander is CommonJS: its require() of node builtins needs a real require in an ES module.
  banner: { js: "import { createRequire as __vptCreateRequire } from 'node:module'; const require = __vptCreateRequire(import.meta.url);" },
  plugins: [ownModulesOutside],
  logLevel: 'warning',
});

'use strict';
// Loads one of the CommonJS bundles `npm run build` writes into dist/ (scripts/bundle.mjs) with the
// V8 code cache the build made for it, so a start-up neither parses nor compiles the code it ran at
// build time (Node 20 has no module compile cache; 22's module.enableCompileCache() writes into a
// cache folder at run time, which a root-owned install or a read-only image does not have).
//
// The bundle's last line names its cache (`//# vpt-code-cache=<name>`, a hash of the bundle), so a
// rebuilt bundle never meets another build's cache; V8 itself refuses a cache made by another
// Node, with other V8 flags, for a source of another length, or cut short, and the code is then
// compiled as usual (test/cli/code-cache.test.ts).
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');
const CACHE_MARK = '//# vpt-code-cache=';
/** The bundle's `import("x")` of a package left outside it, or of a file beside it, rewritten by the build. */
const IMPORT_PARAM = '__vptImport';

function cacheName(source) {
  const at = source.lastIndexOf(CACHE_MARK);
  return at < 0 ? undefined : source.slice(at + CACHE_MARK.length).trim();
}

/**
 * Runs dist/<name> as a CommonJS module (in require.cache under its path, as require() would put it)
 * and returns its exports and the compiled script. `writeCache`: the build's step, after a run.
 */
function loadBundle(name) {
  const file = path.join(DIST, name);
  // latin1: the build makes the bundle ASCII-only (scripts/bundle.mjs), and one-byte decoding is cheaper.
  const source = readFileSync(file, 'latin1');
  const cache = cacheName(source);
  let cachedData;
  if (cache !== undefined) {
    try {
      cachedData = readFileSync(path.join(DIST, cache));
    } catch {
      // No cache (a build that stopped before writing it): compiled as usual.
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, ${IMPORT_PARAM}) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  require.cache[file] = mod;
  const importer = (specifier) => import(specifier.startsWith('.') ? pathToFileURL(path.join(DIST, specifier)).href : specifier);
  // This file's own require: bin/ and dist/ resolve packages from the same node_modules, and the
  // bundles require nothing relative (esbuild inlined it); createRequire() cost a few ms of `--help`.
  script.runInThisContext()(mod.exports, require, mod, file, DIST, importer);
  mod.loaded = true;
  return {
    exports: mod.exports,
    /** V8 took the build's compiled code (false: no cache file, or made by another Node or other flags). */
    cacheUsed: cachedData !== undefined && script.cachedDataRejected === false,
    /** Build step: write what V8 compiled so far (call after the run, e.g. at exit). */
    writeCache() {
      if (cache === undefined) return;
      // Whole or not at all: V8 refuses a cache cut short, but does not checksum one (a cache
      // damaged in place would crash node, as a damaged node binary would).
      const target = path.join(DIST, cache);
      writeFileSync(`${target}.tmp-${process.pid}`, script.createCachedData());
      renameSync(`${target}.tmp-${process.pid}`, target);
    },
  };
}

module.exports = { loadBundle, CACHE_MARK, IMPORT_PARAM };

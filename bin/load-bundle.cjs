'use strict';
// Loads one of the CommonJS bundles `npm run build` writes into dist/ (scripts/bundle.mjs) with the
// V8 code cache the build made for it, so a start-up neither parses nor compiles the code it ran at
// build time (Node 20 has no module compile cache; 22's module.enableCompileCache() writes into a
// cache folder at run time, which a root-owned install or a read-only image does not have).
//
// The bundle's last line names its cache (`//# vpt-code-cache=<name>`, a hash of the bundle), so a
// rebuilt bundle never meets another build's cache. V8 does not checksum a cache's payload: bytes
// flipped inside one crash node (SIGTRAP, SIGSEGV) instead of being refused (issue 27). So the file
// starts with a header line naming the cache, the Node and arch that made it and the SHA-256 of the
// V8 bytes that follow, and nothing reaches V8 unless all of it matches. Measured cost on a 2-core
// x64, Node 20: require('node:crypto') ~2.3 ms + hashing the 270 KB CLI cache ~0.4 ms, against the
// ~12 ms the cache saves on `vpt --help` (node bench/startup.bench.mjs with and without dist/*.cache).
// A refused cache only costs the compile: the code runs the same (test/cli/code-cache.test.ts).
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');
const CACHE_MARK = '//# vpt-code-cache=';
/** The bundle's `import("x")` of a package left outside it, or of a file beside it, rewritten by the build. */
const IMPORT_PARAM = '__vptImport';
/**
 * Packages the build bundled into dist/ as files of their own (ES-only packages of many modules,
 * scripts/bundle.mjs): the bundles' import() of one loads that file, once. Should the file be
 * unreadable, the package itself is imported: the same code, only slower to load.
 */
const BUNDLED_PACKAGES = { execa: 'execa.cjs' };
/** First word of a cache file's header line (bumped when the header's layout changes). */
const HEADER_MAGIC = 'vpt-code-cache-1';
/** Bound on the header line: its fields are short, so a file without a newline this early is not ours. */
const HEADER_MAX_BYTES = 256;

/** The header line the build writes before the V8 bytes of the cache named `name`. */
function cacheHeader(name, payload) {
  const { createHash } = require('node:crypto');
  const sha = createHash('sha256').update(payload).digest('hex');
  return `${HEADER_MAGIC} ${name} ${process.version} ${process.arch} ${sha}\n`;
}

/** The V8 bytes of a cache file, or undefined unless its header matches this cache, this Node and the bytes. */
function verifiedPayload(name, file) {
  const end = file.subarray(0, HEADER_MAX_BYTES).indexOf(0x0a);
  if (end < 0) return undefined;
  const payload = file.subarray(end + 1);
  return file.toString('latin1', 0, end + 1) === cacheHeader(name, payload) ? payload : undefined;
}

/** The verified V8 bytes of dist/<name>, or undefined (no such file, or not exactly this build's for this Node). */
function readCache(name) {
  let file;
  try {
    file = readFileSync(path.join(DIST, name));
  } catch {
    return undefined; // No cache (a build that stopped before writing it): compiled as usual.
  }
  return verifiedPayload(name, file);
}

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
  const cachedData = cache === undefined ? undefined : readCache(cache);
  const wrapper = `(function (exports, require, module, __filename, __dirname, ${IMPORT_PARAM}) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  require.cache[file] = mod;
  const importer = (specifier) =>
    Object.hasOwn(BUNDLED_PACKAGES, specifier)
      ? new Promise((resolve) => resolve(bundledPackage(BUNDLED_PACKAGES[specifier]))).catch(() => import(specifier))
      : import(specifier.startsWith('.') ? pathToFileURL(path.join(DIST, specifier)).href : specifier);
  // This file's own require: bin/ and dist/ resolve packages from the same node_modules, and the
  // bundles require nothing relative (esbuild inlined it); createRequire() cost a few ms of `--help`.
  script.runInThisContext()(mod.exports, require, mod, file, DIST, importer);
  mod.loaded = true;
  return {
    exports: mod.exports,
    /** V8 took the build's compiled code (false: no cache file, a damaged or foreign one, or other V8 flags). */
    cacheUsed: cachedData !== undefined && script.cachedDataRejected === false,
    /** Build step: write what V8 compiled so far (call after the run, e.g. at exit). */
    writeCache() {
      if (cache === undefined) return;
      // Whole or not at all (a reader checks the header's hash anyway).
      const target = path.join(DIST, cache);
      const payload = script.createCachedData();
      writeFileSync(`${target}.tmp-${process.pid}`, Buffer.concat([Buffer.from(cacheHeader(cache, payload), 'latin1'), payload]));
      renameSync(`${target}.tmp-${process.pid}`, target);
    },
  };
}

/** The exports of a package's bundle, loaded on first use (require.cache holds it from then on). */
function bundledPackage(name) {
  const loaded = require.cache[path.join(DIST, name)];
  return loaded?.loaded ? loaded.exports : loadBundle(name).exports;
}

module.exports = { loadBundle, readCache, CACHE_MARK, IMPORT_PARAM };

'use strict';
// One fresh process's cost of checking a bundle's code cache before V8 gets it (bin/load-bundle.cjs):
// loading node:crypto, reading the file, hashing it. Prints the ms. Run by bench/startup.bench.mjs
// as a file, not `node -e` (which loads node:crypto before the script). Usage: node code-cache-check.cjs cli.cjs
const started = process.hrtime.bigint();
const { readCache, CACHE_MARK } = require('../bin/load-bundle.cjs');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const source = readFileSync(path.join(__dirname, '..', 'dist', process.argv[2]), 'latin1');
const mark = source.lastIndexOf(CACHE_MARK);
const loadedAt = process.hrtime.bigint();
const bytes = readCache(source.slice(mark + CACHE_MARK.length).trim());
if (bytes === undefined) throw new Error(`no valid code cache for dist/${process.argv[2]}`);
const ms = Number(process.hrtime.bigint() - loadedAt) / 1e6;
process.stdout.write(`${ms} ${bytes.length} ${Number(loadedAt - started) / 1e6}\n`);

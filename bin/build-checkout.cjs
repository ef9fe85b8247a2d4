'use strict';
// The README's `npm ci && ./bin/vpt monitor --demo` on a fresh clone: `npm ci` no longer builds
// (the build runs at `npm pack`, so an installed package needs no TypeScript), so the launcher
// builds dist/ once when it is missing in a source checkout, i.e. where src/ and the build tools
// are. An installed package has no src/: it never builds, and a missing bundle stays an error.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
/** A build takes ~10 s on a 2-core x64 and about a minute on a Pi 4; a hung one must not hang vpt. */
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** Builds dist/ in a source checkout (true when it did); false where there is nothing to build from. */
function buildCheckout() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(path.join(ROOT, 'src', 'cli.ts')) || !existsSync(tsc)) return false;
  process.stderr.write('vpt: dist/ is missing (a fresh clone): building it once (npm run build)\n');
  // stdout of the build goes to stderr: this command's own stdout stays its output.
  const steps = [[tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], [path.join(ROOT, 'scripts', 'bundle.mjs')]];
  for (const args of steps) {
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: BUILD_TIMEOUT_MS });
    if (run.status !== 0) {
      process.stderr.write(`vpt: the build failed (${run.error?.message ?? `exit ${run.status}`}); run "npm run build" to see why\n`);
      return false;
    }
  }
  return true;
}

module.exports = { buildCheckout };

#!/usr/bin/env bash
# Smoke run of vpt on other Node majors (default: 22 24), after the full suite ran on the machine's
# Node. Usage: .ci/smoke-node.sh [major...]
#
# Node itself comes from the npm registry (the node-linux-<arch> packages are the official builds,
# headers included), so CI needs nothing from outside but the registry it already uses for npm ci.
# Binaries are cached in $VPT_CI_NODE_CACHE (default ~/.cache/vpt-ci-node).
#
# better-sqlite3's binding is ABI-specific (sharp's is not: N-API), so each major gets its own copy
# of the repo with its own `npm ci` run BY that Node, in $VPT_SMOKE_DIR/node-<major> (default
# /tmp/vpt-smoke): the main node_modules is never touched. With no prebuilt binary reachable,
# better-sqlite3 compiles from source against the headers in the Node package (python3, make, g++);
# that copy is kept and reused while package-lock.json and the Node version stay the same.
#
# The smoke set: build (tsc + esbuild), the CLI tests, one replay, one live monitor run, one
# health sample, each through bin/vpt.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=node-for.sh
. "$repo/.ci/node-for.sh"
smoke_root=${VPT_SMOKE_DIR:-/tmp/vpt-smoke}
majors=("$@")
[ "${#majors[@]}" -gt 0 ] || majors=(22 24)
SMOKE_TESTS=(
  test/cli
  test/replay/replay-usage-errors.test.ts
  test/replay/generated-capture.test.ts
  test/live/monitor-live.e2e.test.ts
  test/investigate/health-e2e.test.ts
)

for major in "${majors[@]}"; do
  started=$SECONDS
  nodedir=$(node_for "$major")
  work="$smoke_root/node-$major"
  export PATH="$nodedir/bin:$PATH"
  version=$(node --version)
  echo "== smoke on node $version ($nodedir)"
  # The repo's files as git sees them (tracked + new, not ignored), in a copy that keeps only its
  # node_modules: files a previous run left (moved or deleted since) would otherwise be compiled too.
  mkdir -p "$work"
  find "$work" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$work"
  key="$version $(sha256sum "$work/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$work/node_modules/.vpt-smoke-key" 2>/dev/null)" != "$key" ]; then
    echo "== npm ci with node $version (compiles better-sqlite3 when no prebuilt binary is reachable)"
    (cd "$work" && npm_config_nodedir="$nodedir" npm ci --no-audit --no-fund --loglevel=error)
    echo "$key" >"$work/node_modules/.vpt-smoke-key"
  fi
  # fresh-clone.test.ts copies the checkout as git lists it: the smoke copy is not a git checkout
  # (it ran in the whole suite on this machine's Node already).
  (cd "$work" && npm run build --silent && npx vitest run --exclude test/cli/fresh-clone.test.ts "${SMOKE_TESTS[@]}")
  echo "== node $version smoke passed in $((SECONDS - started)) s"
done

#!/usr/bin/env bash
# The package as a capture host gets it (issue 25): `npm pack` (its prepack builds dist/), then
# `npm install -g <tarball> --omit=dev` into a fresh prefix with each Node given (default: this
# machine's; `.ci/pack-smoke.sh 22 24` for others, from the npm registry as .ci/smoke-node.sh gets
# them), and a smoke set run by the installed `vpt` from outside the repo: no TypeScript, no build.
# Prints the installed size and its biggest parts.
# Usage: .ci/pack-smoke.sh [major...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=node-for.sh
. "$repo/.ci/node-for.sh"
work=${VPT_PACK_DIR:-/tmp/vpt-pack}
rm -rf "$work" && mkdir -p "$work"
tgz="$work/$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -1)"
echo "== packed $(basename "$tgz"): $(du -k "$tgz" | cut -f1) KB"
version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")

smoke() { # prefix -> runs the smoke set with the vpt installed there
  local prefix=$1 tmp
  tmp=$(mktemp -d)
  local vpt="$prefix/bin/vpt"
  (
    cd "$tmp"
    set -x
    # Nothing of the build came along: the installed package has no sources and no TypeScript.
    test ! -e "$prefix/lib/node_modules/vpt/src" && test ! -e "$prefix/lib/node_modules/typescript"
    test ! -e "$prefix/lib/node_modules/vpt/node_modules/typescript"
    test "$("$vpt" --version)" = "$version"
    "$vpt" --help | grep -q '^Usage: vpt'
    status=0 && "$vpt" status --state-dir "$tmp/state" >status.txt || status=$?
    test "$status" = 3 && grep -q '^VPT UNKNOWN' status.txt
    mkdir -p stream/capture1/captures
    "$vpt" investigate --health --stream-root "$tmp/stream" --log-dir "$tmp/log" --prom "$tmp/vpt.prom" | grep -q '^VPT HEALTH'
    grep -q '^vpt_health_status ' vpt.prom
    # A replay decodes frames (sharp) and writes incidents.db (better-sqlite3): both native modules.
    for i in $(seq -w 1 40); do cp "$repo/test/fixtures/real/android_tv_blackscreen.jpg" "stream/capture1/captures/capture_0000000$i.jpg"; done
    "$vpt" monitor --replay --stream-root "$tmp/stream" --state-dir "$tmp/state" --json >replay.json
    node -e 'const r = require(process.argv[1]); if (r.devices[0].analysed !== 40) throw new Error(JSON.stringify(r.devices[0]))' "$tmp/replay.json"
    "$vpt" incidents --state-dir "$tmp/state" --json | grep -q '"incidents"'
    mkdir image && "$vpt" setup --root "$tmp/image" --devices capture1 >/dev/null
    "$vpt" setup --root "$tmp/image" --devices capture1 | grep -q "nothing changed"
    test -f image/etc/systemd/system/vpt-monitor.service
  )
  rm -rf "$tmp"
}

majors=("$@")
[ "${#majors[@]}" -gt 0 ] || majors=(current)
for major in "${majors[@]}"; do
  started=$SECONDS
  if [ "$major" = current ]; then nodedir=$(dirname "$(dirname "$(command -v node)")"); else nodedir=$(node_for "$major"); fi
  prefix="$work/prefix-$major"
  echo "== npm install -g --omit=dev with node $("$nodedir/bin/node" --version) into $prefix"
  # better-sqlite3 compiles against that Node's headers when no prebuilt binary is reachable.
  PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm install -g "$tgz" --omit=dev --prefix "$prefix" --no-audit --no-fund --loglevel=error
  PATH="$nodedir/bin:$PATH" smoke "$prefix"
  installed="$prefix/lib/node_modules/vpt"
  echo "== installed size: $(du -sh "$installed" | cut -f1) ($(find "$installed/node_modules" -name package.json | grep -cE '/node_modules/(@[^/]+/)?[^/]+/package.json$') packages); the biggest:"
  du -s "$installed"/node_modules/* "$installed"/node_modules/@*/* "$installed"/dist 2>/dev/null | sort -rn | head -8 | awk '{ printf "   %6.1f MB  %s\n", $1 / 1024, $2 }' | sed "s#$installed/##"
  echo "== node $major: package smoke passed in $((SECONDS - started)) s"
done

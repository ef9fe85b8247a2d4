# Sourced by .ci/smoke-node.sh and .ci/pack-smoke.sh. node_for <major>: the folder holding bin/node of
# that Node major, from the npm registry's node-linux-<arch> package (the official builds, headers
# included), downloaded once into $VPT_CI_NODE_CACHE (default ~/.cache/vpt-ci-node).
node_cache=${VPT_CI_NODE_CACHE:-$HOME/.cache/vpt-ci-node}
case "$(uname -m)" in
  x86_64) node_arch=x64 ;;
  aarch64 | arm64) node_arch=arm64 ;;
  armv7l) node_arch=armv7l ;;
  *) echo "no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac

node_for() { # major -> folder holding bin/node, downloaded once
  local major=$1 dir="$node_cache/node-$1"
  if [ ! -x "$dir/bin/node" ]; then
    mkdir -p "$node_cache"
    local tgz
    tgz=$(cd "$node_cache" && npm pack "node-linux-$node_arch@$major" --silent | tail -1)
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar xzf "$node_cache/$tgz" --strip-components=1 -C "$dir.tmp"
    rm -f "$node_cache/$tgz"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

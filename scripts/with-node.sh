#!/usr/bin/env bash
# Runs a command with another Node.js line first on PATH, taken from the npm registry (the
# node-<os>-<arch> package: the official binary with its headers in include/node), installed into
# a folder of its own, never globally. npm_config_nodedir points node-gyp at that Node's headers,
# so native modules (better-sqlite3) build for it even where the npm config names another Node's
# (`npm config get nodedir`) and no headers can be downloaded.
#
#   scripts/with-node.sh 26 npm ci
#   scripts/with-node.sh 26 npm test
#
# STOREFRONT_NODE_DIR: where to install it (default: $TMPDIR/storefront-node-<major>, reused).
set -euo pipefail

if [ "$#" -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <node major, e.g. 26> <command> [args...]" >&2
  exit 2
fi
major="$1"
shift

case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node.sh: no Node package for CPU $(uname -m)" >&2; exit 1 ;;
esac
package="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$arch"
home="${STOREFRONT_NODE_DIR:-${TMPDIR:-/tmp}/storefront-node-$major}"
root="$home/node_modules/$package"

if ! [ -x "$root/bin/node" ] || [ "$("$root/bin/node" -p 'process.versions.node.split(".")[0]')" != "$major" ]; then
  echo "with-node.sh: installing $package@$major into $home" >&2
  mkdir -p "$home"
  npm install --prefix "$home" --no-save --no-package-lock --no-audit --no-fund "$package@$major" >&2
fi

export PATH="$root/bin:$PATH"
export npm_config_nodedir="$root"
echo "with-node.sh: $(node --version) ($root)" >&2
exec "$@"

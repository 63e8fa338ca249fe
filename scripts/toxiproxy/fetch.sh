#!/usr/bin/env bash
# Toxiproxy (Shopify's TCP proxy that simulates network conditions), built from the Go module
# proxy into .cache/ (git-ignored) for the WAN benchmark, bench/wan.mjs. This machine's kernel
# has no netem qdisc, so `tc netem` cannot shape a link here. Idempotent; prints the binary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${TOXIPROXY_VERSION:-v2.5.0}"
BIN_DIR="$ROOT/.cache/toxiproxy/$VERSION"

if [[ ! -x "$BIN_DIR/server" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "fetch.sh: go not found; cannot build Toxiproxy $VERSION" >&2
    exit 1
  fi
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$VERSION" >&2
  echo "fetch.sh: built Toxiproxy $VERSION into $BIN_DIR" >&2
fi
echo "$BIN_DIR/server"

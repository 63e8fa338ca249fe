#!/usr/bin/env bash
# Debian's nginx, unpacked into .cache/nginx/ (git-ignored) for the load-balancer e2e suite.
# Not installed system-wide: `apt-get install nginx` would also start a daemon on port 80.
# Idempotent; prints the path of the nginx binary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="$ROOT/.cache/nginx"
BIN="$CACHE_DIR/usr/sbin/nginx"

if [[ ! -x "$BIN" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # apt-get download needs the package lists; a fresh machine may have none yet.
  if ! (cd "$tmp" && apt-get download nginx >/dev/null 2>&1); then
    if ((EUID == 0)); then apt-get update -qq; else sudo apt-get update -qq; fi
    (cd "$tmp" && apt-get download nginx >/dev/null 2>&1)
  fi
  mkdir -p "$CACHE_DIR"
  dpkg-deb -x "$tmp"/nginx_*.deb "$CACHE_DIR"
  echo "fetch.sh: unpacked $(basename "$tmp"/nginx_*.deb) into $CACHE_DIR" >&2
fi
echo "$BIN"

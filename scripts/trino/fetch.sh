#!/usr/bin/env bash
# Download (via Maven) and unpack Trino server + the tpch/memory plugins into
# .cache/trino/. Idempotent: a marker file records a completed unpack.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TRINO_VERSION="${TRINO_VERSION:-476}"
CACHE_DIR="$ROOT/.cache/trino"
SERVER_DIR="$CACHE_DIR/trino-server-$TRINO_VERSION"
MARKER="$SERVER_DIR/.unpacked"
PLUGINS=(tpch memory)

SERVER_TGZ="$CACHE_DIR/trino-server-core-$TRINO_VERSION.tar.gz"

mkdir -p "$CACHE_DIR"

# npm test starts two Trinos at once (the plain one and the HTTPS one): on a fresh clone both
# would download and unpack here together, and one would replace the server directory while
# the other's JVM is loading from it. One fetch at a time; the second then finds it done.
exec 9>"$CACHE_DIR/.fetch.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

mvn_copy() { # ARTIFACT_COORDS
  if ! command -v mvn >/dev/null 2>&1; then
    echo "fetch.sh: mvn not found; cannot download $1" >&2
    exit 1
  fi
  echo "fetch.sh: downloading $1 ..."
  # Maven 3.8's jansi emits stray ANSI resets even with -B; strip them.
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$1" -DoutputDirectory="$CACHE_DIR" 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g'
}

# 1. Download whatever is missing.
if [[ ! -s "$SERVER_TGZ" ]]; then
  mvn_copy "io.trino:trino-server-core:$TRINO_VERSION:tar.gz"
fi
for p in "${PLUGINS[@]}"; do
  if [[ ! -s "$CACHE_DIR/trino-$p-$TRINO_VERSION.zip" ]]; then
    mvn_copy "io.trino:trino-$p:$TRINO_VERSION:zip"
  fi
done

# 2. Unpack (skipped when the marker lists the same plugin set).
expected_marker="version=$TRINO_VERSION plugins=${PLUGINS[*]}"
if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$expected_marker" ]]; then
  echo "fetch.sh: Trino $TRINO_VERSION already unpacked in ${SERVER_DIR#"$ROOT"/}"
  exit 0
fi

echo "fetch.sh: unpacking Trino $TRINO_VERSION into ${SERVER_DIR#"$ROOT"/} ..."
STAGING="$CACHE_DIR/.staging-$$"
rm -rf "$STAGING"
trap 'rm -rf "$STAGING"' EXIT
mkdir -p "$STAGING"

# The tarball holds a single top-level dir trino-server-core-<v>/.
tar -xzf "$SERVER_TGZ" -C "$STAGING"
staged_server="$STAGING/trino-server-core-$TRINO_VERSION"
if [[ ! -d "$staged_server/lib" ]]; then
  echo "fetch.sh: unexpected tarball layout (no trino-server-core-$TRINO_VERSION/lib)" >&2
  exit 1
fi

# Each plugin zip holds a single top-level dir trino-<name>-<v>/ with the jars;
# it has to end up as plugin/<name>/*.jar.
for p in "${PLUGINS[@]}"; do
  unzip -q "$CACHE_DIR/trino-$p-$TRINO_VERSION.zip" -d "$STAGING/zip-$p"
  src="$STAGING/zip-$p/trino-$p-$TRINO_VERSION"
  if ! compgen -G "$src/*.jar" >/dev/null; then
    echo "fetch.sh: unexpected layout in trino-$p-$TRINO_VERSION.zip" >&2
    exit 1
  fi
  rm -rf "${staged_server:?}/plugin/$p"
  mv "$src" "$staged_server/plugin/$p"
done

rm -rf "$SERVER_DIR"
mv "$staged_server" "$SERVER_DIR"
echo "$expected_marker" >"$MARKER"
echo "fetch.sh: done ($(find "$SERVER_DIR/plugin" -mindepth 1 -maxdepth 1 -type d | wc -l | tr -d ' ') plugins)"

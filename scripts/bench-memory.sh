#!/usr/bin/env bash
# npm run bench:memory [-- <commit>]: memory against concurrency (bench/memory.mjs) for this
# checkout, and with a commit given, for that commit too, in one sitting, taking turns.
# The commit is built once into .cache/bench-baseline/<sha> (git archive, not a worktree),
# sharing this checkout's node_modules.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_deps
trap 'stop_owned' EXIT
start_owned trino
npx nest build

builds="after=$ROOT"
if [[ -n "${1:-}" ]]; then
  sha="$(git rev-parse --short "$1")"
  dir="$ROOT/.cache/bench-baseline/$sha"
  if [[ ! -f "$dir/dist/src/main.js" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    git archive "$sha" | tar -x -C "$dir"
    ln -s "$ROOT/node_modules" "$dir/node_modules"
    (cd "$dir" && npx nest build)
  fi
  builds="before=$dir,$builds"
fi
BENCH_BUILDS="$builds" node bench/memory.mjs

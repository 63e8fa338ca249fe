#!/usr/bin/env bash
# bash scripts/bench-builds.sh <memory|encode> [<commit>] (npm run bench:memory, bench:encode):
# bench/<memory|encode>.mjs for this checkout and, with a commit given, for that commit too, in
# one sitting, taking turns. The commit is built once into .cache/bench-baseline/<sha> (git
# archive, not a worktree), sharing this checkout's node_modules.
#   memory: memory against concurrency, reading from Trino.
#   encode: encoding CPU on recorded Trino pages; Trino is started only when a table's pages
#           are not yet recorded in bench/tmp/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

bench="${1:-}"
[[ "$bench" == memory || "$bench" == encode ]] || {
  echo "usage: $0 <memory|encode> [<commit>]" >&2
  exit 2
}

# Builds COMMIT once (see above) and prints its directory.
baseline_build() {
  local sha dir
  sha="$(git rev-parse --short "$1")"
  dir="$ROOT/.cache/bench-baseline/$sha"
  if [[ ! -f "$dir/dist/src/main.js" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    git archive "$sha" | tar -x -C "$dir"
    ln -s "$ROOT/node_modules" "$dir/node_modules"
    (cd "$dir" && npx nest build) >&2
  fi
  echo "$dir"
}

ensure_deps
trap 'stop_owned' EXIT
if [[ "$bench" == memory ]]; then
  start_owned trino
else
  tables="${BENCH_ENCODE_TABLES:-orders,lineitem}"
  for table in ${tables//,/ }; do
    [[ -d "bench/tmp/pages-$table" ]] || { start_owned trino && break; }
  done
fi
npx nest build

builds="after=$ROOT"
[[ -n "${2:-}" ]] && builds="before=$(baseline_build "$2"),$builds"
BENCH_BUILDS="$builds" node "bench/$bench.mjs"

#!/usr/bin/env bash
# npm run bench:memory [-- <commit>]: memory against concurrency (bench/memory.mjs) for this
# checkout, and with a commit given, for that commit too, in one sitting, taking turns.
# The commit is built once into .cache/bench-baseline/<sha> (baseline_build, scripts/lib.sh).
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
[[ -n "${1:-}" ]] && builds="before=$(baseline_build "$1"),$builds"
BENCH_BUILDS="$builds" node bench/memory.mjs

#!/usr/bin/env bash
# npm run bench:encode [-- <commit>]: encoding CPU on recorded Trino pages (bench/encode.mjs)
# for this checkout, and with a commit given, for that commit too, in one sitting, taking
# turns. Trino is started only when a table's pages are not yet recorded in bench/tmp/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_deps
trap 'stop_owned' EXIT
tables="${BENCH_ENCODE_TABLES:-orders,lineitem}"
for table in ${tables//,/ }; do
  [[ -d "bench/tmp/pages-$table" ]] || { start_owned trino && break; }
done
npx nest build

builds="after=$ROOT"
[[ -n "${1:-}" ]] && builds="before=$(baseline_build "$1"),$builds"
BENCH_BUILDS="$builds" node bench/encode.mjs

#!/usr/bin/env bash
# E2e suites on their own, with what they need: `bash scripts/suite.sh soak` runs
# test/soak.e2e-spec.ts; several names run several suites (`npm run test:reliability`). Installs, starts Trino and the OpenID provider if missing (stopping
# only what it started), builds the service (the load and soak suites run dist/ as a process).
# Used by `npm run test:load`, `npm run soak` (SOAK_SECONDS, default 600) and `npm run test:trino-kill`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ $# -gt 0 ]] || { echo "usage: scripts/suite.sh <suite> [suite ...] (e.g. load, soak, trino-kill)" >&2; exit 2; }
specs=()
for name in "$@"; do
  spec="test/$name.e2e-spec.ts"
  [[ -f "$spec" ]] || { echo "suite.sh: no $spec" >&2; exit 2; }
  specs+=("$spec")
done

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps
trap stop_on_exit EXIT
# Only the secure-trino suite needs the HTTPS Trino.
if [[ " $* " == *" secure-trino "* ]]; then start_owned trino-secure; fi
start_owned idp
start_owned trino
npx nest build
npx jest --config test/jest-e2e.config.js --runInBand "${specs[@]}"

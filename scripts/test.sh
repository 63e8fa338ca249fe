#!/usr/bin/env bash
# The whole suite from a fresh clone: install, start what is missing (Trino, the OpenID
# provider), check format/lint/types, run unit and e2e suites, stop only what this run started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps

trap 'rc=$?; stop_owned; exit $rc' EXIT

start_owned idp
start_owned trino

npm run check
npx jest --config jest.config.js
npx redocly lint openapi/openapi.json
# The shutdown suite runs the built service as a real process.
npx nest build
npx jest --config test/jest-e2e.config.js --runInBand
FUZZ_EXAMPLES=20 FUZZ_SKIP_BUILD=1 FUZZ_QUIET=1 bash scripts/fuzz.sh
bash scripts/demo.sh --check > .run/demo-check.log 2>&1 || { tail -40 .run/demo-check.log; exit 1; }
echo "demo: every printed command ran (log: .run/demo-check.log)"

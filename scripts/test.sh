#!/usr/bin/env bash
# The whole suite from a fresh clone: install, start what is missing (Trino, the OpenID
# provider), check format/lint/types, run unit and e2e suites, stop only what this run started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps
ensure_chromium # the Swagger UI e2e suite drives Debian's Chromium
bash scripts/nginx/fetch.sh >/dev/null # the load-balancer e2e suite runs Debian's nginx
bash scripts/arrow/venv.sh >/dev/null # the Arrow e2e suite reads downloads with pyarrow, DuckDB, polars

trap stop_on_exit EXIT

# The production-shaped Trino (HTTPS, passwords, access rules) for the secure-trino suite.
start_owned_bg trino-secure
start_owned idp
start_owned trino

npm run check
npx jest --config jest.config.js
npx redocly lint openapi/openapi.json
# The shutdown suite runs the built service as a real process; the console suite needs the
# console's static files.
npm run build
wait_owned trino-secure
# --forceExit: a failed suite may leave requests of its own running (the soak's other clients
# after one throws), and Jest would then wait for them forever instead of failing the run.
npx jest --config test/jest-e2e.config.js --runInBand --forceExit
CLIENTS_SKIP_BUILD=1 bash scripts/clients.sh
FUZZ_EXAMPLES=20 FUZZ_SKIP_BUILD=1 FUZZ_QUIET=1 bash scripts/fuzz.sh
bash scripts/demo.sh --check > .run/demo-check.log 2>&1 || { tail -40 .run/demo-check.log; exit 1; }
echo "demo: every printed command gave what it must (log: .run/demo-check.log)"

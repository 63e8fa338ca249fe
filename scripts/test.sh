#!/usr/bin/env bash
# The whole suite from a fresh clone: install, start what is missing (Trino, the OpenID
# provider), check format/lint/types, run unit and e2e suites, stop only what this run started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps

started=()
cleanup() {
  local rc=$?
  for svc in "${started[@]}"; do bash "scripts/$svc/stop.sh" || true; done
  exit "$rc"
}
trap cleanup EXIT

start() { # SERVICE: starts it unless one already answers; remembers it if this run started it
  local svc="$1" had=0
  [[ -f ".run/$svc/pid" ]] && had=1
  bash "scripts/$svc/start.sh"
  if ((!had)) && [[ -f ".run/$svc/pid" ]]; then started+=("$svc"); fi
}

start idp
start trino

npm run check
npx jest --config jest.config.js
npx redocly lint openapi/openapi.json
# The shutdown suite runs the built service as a real process.
npx nest build
npx jest --config test/jest-e2e.config.js --runInBand
bash scripts/demo.sh --check > .run/demo-check.log 2>&1 || { tail -40 .run/demo-check.log; exit 1; }
echo "demo: every printed command ran (log: .run/demo-check.log)"

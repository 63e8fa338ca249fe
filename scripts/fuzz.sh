#!/usr/bin/env bash
# npm run fuzz: schemathesis (PyPI) against the committed OpenAPI document and the live
# service, with valid Basic credentials and without. Not part of npm test (about a minute).
# positive_data_acceptance is excluded: every string is a schema-valid `sql`, and Trino
# rejecting bad SQL with the documented 400 is the contract, not a defect.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PORT="${FUZZ_PORT:-3500}"
VENV=".cache/fuzz-venv"
ensure_deps
trap 'rc=$?; [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; stop_owned; exit $rc' EXIT
start_owned trino
if [[ ! -x "$VENV/bin/schemathesis" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==${SCHEMATHESIS_VERSION:-4.32.5}"
fi
npx nest build
PORT="$PORT" HOST=127.0.0.1 AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" \
  QUERY_MAX_CONCURRENT_PER_USER=50 LOG_LEVEL=error node dist/src/main.js > .run/fuzz-service.log 2>&1 &
pid=$!
wait_for_url "http://127.0.0.1:$PORT/health" 30 healthy "$pid"

basic="Authorization: Basic $(printf 'alice:alice-password' | base64)"
for creds in with without; do
  headers=()
  [[ "$creds" == with ]] && headers=(-H "$basic")
  echo "== schemathesis, $creds credentials =="
  "$VENV/bin/schemathesis" run openapi/openapi.json --url "http://127.0.0.1:$PORT" "${headers[@]}" \
    --checks all --exclude-checks positive_data_acceptance --max-examples "${FUZZ_EXAMPLES:-50}" \
    --request-timeout 20 --seed "${FUZZ_SEED:-1}"
done

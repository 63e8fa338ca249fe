#!/usr/bin/env bash
# npm run fuzz: schemathesis (PyPI) against the committed OpenAPI document and the live
# service, with valid Basic credentials and without, every phase, up to 50 examples per
# operation (about a minute of fuzzing). npm test runs it bounded and quiet:
# FUZZ_EXAMPLES=20 FUZZ_SKIP_BUILD=1 FUZZ_QUIET=1. Either way the last line gives the number
# of cases run; the output of each run is kept in .run/fuzz-with.log and .run/fuzz-without.log.
# positive_data_acceptance is excluded: every string is a schema-valid `sql`, and Trino
# rejecting bad SQL with the documented 400 is the contract, not a defect.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
VENV=".cache/fuzz-venv"
ensure_deps
trap stop_on_exit EXIT
start_owned trino
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
[[ "${FUZZ_SKIP_BUILD:-0}" == 1 ]] || npx nest build
# A free port unless one is given, so parallel runs on one machine do not collide.
PORT="${FUZZ_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
mkdir -p .run
PORT="$PORT" HOST=127.0.0.1 AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" \
  QUERY_MAX_CONCURRENT_PER_USER=50 LOG_LEVEL=error node dist/src/main.js > .run/fuzz-service.log 2>&1 &
pid=$!
OWNED_PID=$pid
wait_for_url "http://127.0.0.1:$PORT/health" 30 healthy "$pid"

basic="Authorization: Basic $(printf 'alice:alice-password' | base64)"
schemathesis() {
  # Colour codes off, so the logs and the case count below are plain text.
  "$VENV/bin/schemathesis" --no-color run openapi/openapi.json --url "http://127.0.0.1:$PORT" \
    "$@" --checks all --exclude-checks positive_data_acceptance \
    --max-examples "${FUZZ_EXAMPLES:-50}" --request-timeout 20 --seed "${FUZZ_SEED:-1}"
}
summary=()
for creds in with without; do
  headers=()
  [[ "$creds" == with ]] && headers=(-H "$basic")
  log=".run/fuzz-$creds.log"
  if [[ "${FUZZ_QUIET:-0}" == 1 ]]; then
    schemathesis "${headers[@]}" > "$log" 2>&1 || {
      tail -80 "$log"
      echo "fuzz: schemathesis found failures ($creds credentials); full log: $log"
      exit 1
    }
  else
    echo "== schemathesis, $creds credentials =="
    schemathesis "${headers[@]}" 2>&1 | tee "$log"
  fi
  # Its summary line reads like "849 generated, 849 passed, 16 skipped".
  summary+=("$(grep -Eo '[0-9]+ generated, [0-9]+ passed' "$log" | tail -1) $creds credentials")
done
echo "fuzz: ${summary[0]}; ${summary[1]}; 0 failures; --max-examples ${FUZZ_EXAMPLES:-50} (logs: .run/fuzz-with.log, .run/fuzz-without.log)"

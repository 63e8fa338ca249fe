#!/usr/bin/env bash
# npm run demo: starts Trino, the OpenID provider and the service on loopback, prints curl
# commands that work as pasted, and keeps running until Ctrl-C (then stops what it started).
# `npm run demo -- --check` runs every printed command once, checks its status and what it
# shows (scripts/demo-check.sh), and exits non-zero naming the first command that failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PORT="${PORT:-3000}"
SERVICE="http://127.0.0.1:$PORT"
IDP="${IDP_ISSUER:-http://127.0.0.1:4455}"
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1

ensure_deps
service_pid=""
cleanup() {
  [[ -n "$service_pid" ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  stop_owned
}
trap cleanup EXIT
trap 'exit 0' INT TERM

start_owned idp
start_owned trino

npm run build
mkdir -p .run/service
PORT="$PORT" HOST=127.0.0.1 \
  AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" \
  AUTH_IDTOKEN_ISSUER="$IDP" AUTH_IDTOKEN_AUDIENCE=trino-stream-ui \
  AUTH_BEARER_ISSUER="$IDP" AUTH_BEARER_AUDIENCE=trino-stream-api AUTH_BEARER_REQUIRED_SCOPES=trino:query \
  TRINO_HEARTBEAT_SECONDS=10 \
  node dist/src/main.js > .run/service/demo.log 2>&1 &
service_pid=$!
wait_for_url "$SERVICE/health" 30 healthy "$service_pid" || { tail -20 .run/service/demo.log; exit 1; }

commands=".run/service/demo-commands.sh"
checks=".run/service/demo-checks.sh"
bash scripts/demo-commands.sh "$SERVICE" "$IDP" "$ROOT" "$commands" "$checks"

echo
echo "trino-stream is running at $SERVICE (Trino ${TRINO_URL:-http://127.0.0.1:8080}, OpenID provider $IDP)."
echo "In a browser: $SERVICE/console (sign in as alice / alice-password), or $SERVICE/docs."
echo "Paste these (from the repository root):"
echo
cat "$commands"
if ((CHECK)); then
  echo "== running every command once, checking what each shows =="
  bash scripts/demo-check.sh "$checks" .run/service/demo-check
  exit $?
fi
echo "Ctrl-C stops the service (and Trino and the provider if this run started them)."
wait "$service_pid"

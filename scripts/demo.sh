#!/usr/bin/env bash
# npm run demo: starts Trino, the OpenID provider and the service on loopback, prints curl
# commands that work as pasted, and keeps running until Ctrl-C (then stops what it started).
# `npm run demo -- --check` runs every printed command once and exits.
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

npx nest build
mkdir -p .run/service
PORT="$PORT" HOST=127.0.0.1 \
  AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" \
  AUTH_IDTOKEN_ISSUER="$IDP" AUTH_IDTOKEN_AUDIENCE=trino-stream-ui \
  AUTH_BEARER_ISSUER="$IDP" AUTH_BEARER_AUDIENCE=trino-stream-api AUTH_BEARER_REQUIRED_SCOPES=trino:query \
  node dist/src/main.js > .run/service/demo.log 2>&1 &
service_pid=$!
wait_for_url "$SERVICE/health" 30 healthy "$service_pid" || { tail -20 .run/service/demo.log; exit 1; }

commands=".run/service/demo-commands.sh"
cat > "$commands" <<CMDS
# Health, no auth
curl -s $SERVICE/health

# HTTP Basic (users in test/fixtures/password.db: alice/alice-password, bob/bob-password)
curl -s -u alice:alice-password $SERVICE/me

# OIDC ID token in the idtoken header (alice logs in at the local provider)
ID_TOKEN=\$(node $ROOT/scripts/idp/id-token.mjs alice alice-password)
curl -s -H "idtoken: \$ID_TOKEN" $SERVICE/me

# OAuth2 client credentials: token from the provider's token endpoint, then Bearer
ACCESS_TOKEN=\$(curl -s -X POST $IDP/token -H "Content-Type: application/x-www-form-urlencoded" -d grant_type=client_credentials -d client_id=svc-reporting -d client_secret=svc-reporting-secret | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')
curl -s -H "Authorization: Bearer \$ACCESS_TOKEN" $SERVICE/me

# Rows as Server-Sent Events (each auth method works on every endpoint)
curl -sN -u alice:alice-password -X POST $SERVICE/query -H "Content-Type: application/json" -d '{"sql": "SELECT * FROM tpch.tiny.nation", "size": 3}'
curl -sN -H "idtoken: \$ID_TOKEN" -X POST $SERVICE/query -H "Content-Type: application/json" -d '{"sql": "SELECT current_user AS me"}'
curl -sN -H "Authorization: Bearer \$ACCESS_TOKEN" -X POST $SERVICE/query -H "Content-Type: application/json" -d '{"sql": "SELECT current_user AS me"}'

# Streamed downloads
curl -s -u alice:alice-password -X POST $SERVICE/query/download/csv -H "Content-Type: application/json" -d '{"sql": "SELECT * FROM tpch.tiny.region", "filename": "regions"}' -o regions.csv && cat regions.csv
curl -s -H "Authorization: Bearer \$ACCESS_TOKEN" -X POST $SERVICE/query/download/json -H "Content-Type: application/json" -d '{"sql": "SELECT * FROM tpch.tiny.region"}'

# Cancel a running query you own: start one in the background, read its X-Query-Id, DELETE it
curl -sN -u alice:alice-password -X POST $SERVICE/query -H "Content-Type: application/json" -d '{"sql": "SELECT * FROM tpch.sf1.lineitem"}' -D headers.txt -o stream.txt &
sleep 2; QUERY_ID=\$(sed -n 's/^X-Query-Id: *//ip' headers.txt | tr -d '\r')
curl -s -o /dev/null -w "%{http_code}\n" -u alice:alice-password -X DELETE $SERVICE/query/\$QUERY_ID
wait; tail -c 200 stream.txt

# Swagger UI: $SERVICE/docs   OpenAPI: $SERVICE/docs-json
CMDS

echo
echo "trino-stream is running at $SERVICE (Trino ${TRINO_URL:-http://127.0.0.1:8080}, OpenID provider $IDP)."
echo "Paste these (from the repository root):"
echo
cat "$commands"
if ((CHECK)); then
  echo "== running every command once =="
  (cd .run/service && bash -euo pipefail "$ROOT/$commands")
  echo
  echo "== all demo commands ran =="
  exit 0
fi
echo "Ctrl-C stops the service (and Trino and the provider if this run started them)."
wait "$service_pid"

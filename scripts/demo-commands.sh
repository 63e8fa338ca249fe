#!/usr/bin/env bash
# Writes the demo's commands twice from one list: PRINT_FILE, to paste from the repository
# root, and CHECK_FILE, the same commands each with what its output must contain, for
# scripts/demo-check.sh.
# Usage: demo-commands.sh SERVICE_URL IDP_URL ROOT PRINT_FILE CHECK_FILE
set -euo pipefail
SERVICE="$1" IDP="$2" ROOT="$3" PRINT_FILE="$4" CHECK_FILE="$5"
: >"$PRINT_FILE"
: >"$CHECK_FILE"

# step TITLE COMMAND [MUST_CONTAIN...]: one printed block, one checked step.
step() {
  local title="$1" command="$2"
  shift 2
  printf '# %s\n%s\n\n' "$title" "$command" >>"$PRINT_FILE"
  {
    printf 'run_step %q' "$title"
    (($# > 0)) && printf ' %q' "$@"
    printf " <<'DEMO_COMMAND'\n%s\nDEMO_COMMAND\n" "$command"
  } >>"$CHECK_FILE"
}

# --fail-with-body: an HTTP error shows its JSON body and makes curl (and the check) fail.
C="curl -sS --fail-with-body"
JSON='-H "Content-Type: application/json"'

step "Health, no auth" \
  "$C $SERVICE/health" \
  '"status":"healthy"'

step "HTTP Basic (users in test/fixtures/password.db: alice/alice-password, bob/bob-password)" \
  "$C -u alice:alice-password $SERVICE/me" \
  '{"user":"alice","authMethod":"basic"}'

step "OIDC ID token in the idtoken header (alice logs in at the local provider)" \
  "ID_TOKEN=\$(node $ROOT/scripts/idp/id-token.mjs alice alice-password)
$C -H \"idtoken: \$ID_TOKEN\" $SERVICE/me" \
  '{"user":"alice","authMethod":"idtoken"}'

step "OAuth2 client credentials: token from the provider's token endpoint, then Bearer" \
  "ACCESS_TOKEN=\$($C -X POST $IDP/token -H \"Content-Type: application/x-www-form-urlencoded\" -d grant_type=client_credentials -d client_id=svc-reporting -d client_secret=svc-reporting-secret | node -pe 'JSON.parse(require(\"fs\").readFileSync(0, \"utf8\")).access_token')
$C -H \"Authorization: Bearer \$ACCESS_TOKEN\" $SERVICE/me" \
  '{"user":"svc-reporting","authMethod":"bearer"}'

step "Rows as Server-Sent Events: the first 3 nations" \
  "$C -N -u alice:alice-password -X POST $SERVICE/query $JSON -d '{\"sql\": \"SELECT * FROM tpch.tiny.nation\", \"size\": 3}'" \
  '"name":"ALGERIA"' '"name":"ARGENTINA"' '"name":"BRAZIL"' '"type":"complete","rowCount":3,"truncated":true'

step "Each auth method works on every endpoint" \
  "$C -N -H \"idtoken: \$ID_TOKEN\" -X POST $SERVICE/query $JSON -d '{\"sql\": \"SELECT current_user AS me\"}'
$C -N -H \"Authorization: Bearer \$ACCESS_TOKEN\" -X POST $SERVICE/query $JSON -d '{\"sql\": \"SELECT current_user AS me\"}'" \
  '{"type":"row","data":{"me":"alice"}}' '{"type":"row","data":{"me":"svc-reporting"}}'

step "A streamed CSV download" \
  "$C -u alice:alice-password -X POST $SERVICE/query/download/csv $JSON -d '{\"sql\": \"SELECT * FROM tpch.tiny.region\", \"filename\": \"regions\"}' -o regions.csv && cat regions.csv" \
  'regionkey,name,comment' '0,AFRICA,' '4,MIDDLE EAST,'

step "A streamed JSON download" \
  "$C -H \"Authorization: Bearer \$ACCESS_TOKEN\" -X POST $SERVICE/query/download/json $JSON -d '{\"sql\": \"SELECT * FROM tpch.tiny.region\"}'" \
  '"name":"AFRICA"' '"name":"MIDDLE EAST"'

step "Cancel a running query you own: start one in the background, read its X-Query-Id, DELETE it" \
  "$C -N -u alice:alice-password -X POST $SERVICE/query $JSON -d '{\"sql\": \"SELECT * FROM tpch.sf1.lineitem\"}' -D headers.txt -o stream.txt &
sleep 2; QUERY_ID=\$(sed -n 's/^X-Query-Id: *//ip' headers.txt | tr -d '\\r')
$C -o /dev/null -w \"%{http_code}\\n\" -u alice:alice-password -X DELETE $SERVICE/query/\$QUERY_ID
wait; tail -c 200 stream.txt" \
  '204' '"errorName":"USER_CANCELED"'

printf '# Swagger UI: %s/docs   OpenAPI: %s/docs-json\n' "$SERVICE" "$SERVICE" >>"$PRINT_FILE"

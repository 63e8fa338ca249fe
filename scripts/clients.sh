#!/usr/bin/env bash
# npm run clients: generates Python, Go and Java clients from openapi/openapi.json with
# off-the-shelf generators and runs a hand-written smoke program against the live service
# with each (clients/*): /me and a JSON download with Basic and with a Bearer token from the
# provider's token endpoint; Python also reads the SSE stream. Generators and generated code
# live in the git-ignored .cache/clients; a client is regenerated only when the spec or the
# generator version changes, so a warm run only compiles and runs the smokes.
# Env: CLIENTS_PORT (3111), CLIENTS_SKIP_BUILD=1 (dist/ is fresh, as in npm test),
# CLIENTS_ONLY="python go java" (a subset).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PYTHON_GENERATOR="openapi-python-client==0.29.1"
GO_GENERATOR="github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"
GO_RUNTIME="github.com/oapi-codegen/runtime v1.9.0"
JAVA_GENERATOR="org.openapitools:openapi-generator-cli:7.25.0"
PORT="${CLIENTS_PORT:-3111}"
BASE="http://127.0.0.1:$PORT"
IDP="${IDP_ISSUER:-http://127.0.0.1:4455}"
CACHE="$ROOT/.cache/clients"
LOGS="$ROOT/.run/clients"
SPEC="$ROOT/openapi/openapi.json"
mkdir -p "$CACHE" "$LOGS"

# step NAME CMD...: runs CMD with its output in a log; on failure shows that output and stops.
step() {
  local name="$1" log="$LOGS/$1.log"
  shift
  if ! "$@" > "$log" 2>&1; then
    echo "clients: $name FAILED; its output ($log):" >&2
    tail -n 80 "$log" >&2
    exit 1
  fi
}

# fresh DIR KEY: true when DIR was generated from this spec by this generator (its stamp).
stamp_of() { printf '%s %s' "$(sha256sum "$SPEC" | cut -c1-64)" "$1"; }
fresh() { [[ -f "$1/.stamp" && "$(cat "$1/.stamp")" == "$(stamp_of "$2")" ]]; }

timed() {
  local t0
  t0=$(now_ms)
  "$@"
  printf 'clients: %-6s %5.1f s\n' "${1%_client}" "$(($(now_ms) - t0))e-3"
}

python_client() {
  local venv="$CACHE/venv" out="$CACHE/python"
  if [[ ! -f "$venv/.installed" || "$(cat "$venv/.installed")" != "$PYTHON_GENERATOR" ]]; then
    step python-install bash -c "python3 -m venv '$venv' && '$venv/bin/pip' install -q '$PYTHON_GENERATOR'"
    echo "$PYTHON_GENERATOR" > "$venv/.installed"
  fi
  # The generator's settings are part of what the client was made from.
  local made_by
  made_by="$PYTHON_GENERATOR $(sha256sum clients/python/generator.yml | cut -c1-64)"
  if ! fresh "$out" "$made_by"; then
    rm -rf "$out"
    # Its post-generation hook runs ruff, which the venv has; warnings fail the step.
    step python-generate env PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
      --path "$SPEC" --output-path "$out" --config clients/python/generator.yml --fail-on-warning
    stamp_of "$made_by" > "$out/.stamp"
  fi
  step python-smoke env PYTHONPATH="$out" SMOKE_OUT="$CACHE" "$venv/bin/python" clients/python/smoke.py "$BASE"
  cat "$LOGS/python-smoke.log"
}

go_client() {
  local bin="$CACHE/bin" out="$CACHE/go/client"
  if [[ ! -x "$bin/oapi-codegen" || "$(cat "$bin/.installed" 2>/dev/null)" != "$GO_GENERATOR" ]]; then
    step go-install env GOBIN="$bin" go install "$GO_GENERATOR"
    echo "$GO_GENERATOR" > "$bin/.installed"
  fi
  if ! fresh "$out" "$GO_GENERATOR $GO_RUNTIME"; then
    rm -rf "$out" && mkdir -p "$out"
    step go-generate "$bin/oapi-codegen" -generate types,client -package trinostream \
      -o "$out/client.gen.go" "$SPEC"
    # clients/go/go.mod replaces trinostream.local/client with this directory.
    printf 'module trinostream.local/client\n\ngo 1.22\n\nrequire %s\n' "$GO_RUNTIME" > "$out/go.mod"
    stamp_of "$GO_GENERATOR $GO_RUNTIME" > "$out/.stamp"
  fi
  step go-build bash -c "cd clients/go && go build -o '$CACHE/go/smoke' ."
  step go-smoke "$CACHE/go/smoke" "$BASE"
  cat "$LOGS/go-smoke.log"
}

java_client() {
  local jar="$CACHE/tools/openapi-generator-cli-${JAVA_GENERATOR##*:}.jar" out="$CACHE/java/client"
  if [[ ! -f "$jar" ]]; then
    step java-install mvn -B -q dependency:copy -Dartifact="$JAVA_GENERATOR" -DoutputDirectory="$CACHE/tools"
  fi
  if ! fresh "$out" "$JAVA_GENERATOR"; then
    rm -rf "$out"
    step java-generate java -jar "$jar" generate -g java -i "$SPEC" -o "$out" \
      --api-package io.trinostream.client.api --model-package io.trinostream.client.model \
      --invoker-package io.trinostream.client --group-id io.trinostream \
      --artifact-id trino-stream-client --artifact-version 0.1.0 \
      --additional-properties=hideGenerationTimestamp=true,openApiNullable=false
    # The generated pom is the authority on the client's dependencies: package the client
    # with it and keep its runtime classpath for the smoke.
    step java-build mvn -B -q -f "$out/pom.xml" package dependency:build-classpath \
      -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
      -Dmdep.outputFile="$out/classpath.txt"
    stamp_of "$JAVA_GENERATOR" > "$out/.stamp"
  fi
  # Java 11+ compiles and runs a single source file in one step.
  step java-smoke java -cp "$out/target/trino-stream-client-0.1.0.jar:$(cat "$out/classpath.txt")" \
    clients/java/Smoke.java "$BASE"
  cat "$LOGS/java-smoke.log"
}

ensure_deps
trap stop_on_exit EXIT
start_owned idp
start_owned trino
[[ "${CLIENTS_SKIP_BUILD:-}" == 1 ]] || step nest-build npx nest build
PORT="$PORT" HOST=127.0.0.1 TRINO_URL="${TRINO_URL:-http://127.0.0.1:8080}" \
  AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" \
  AUTH_BEARER_ISSUER="$IDP" AUTH_BEARER_AUDIENCE=trino-stream-api AUTH_BEARER_REQUIRED_SCOPES=trino:query \
  LOG_LEVEL=error node dist/src/main.js > "$LOGS/service.log" 2>&1 &
pid=$!
OWNED_PID=$pid
wait_for_url "$BASE/health" 30 healthy "$pid" || {
  echo "clients: the service did not start on $BASE:" >&2
  cat "$LOGS/service.log" >&2
  exit 1
}
SMOKE_BEARER="$(IDP_ISSUER="$IDP" node scripts/idp/access-token.mjs svc-reporting svc-reporting-secret)"
export SMOKE_BASIC=alice:alice-password SMOKE_BEARER
for lang in ${CLIENTS_ONLY:-python go java}; do timed "${lang}_client"; done

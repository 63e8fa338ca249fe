#!/usr/bin/env bash
# npm run bench: throughput/latency/memory benchmark of trino-stream against other Trino readers.
# Starts (or reuses) Trino, fetches the Trino CLI jar and the Python client into .cache/, builds
# and starts the service on $BENCH_PORT, runs bench/run.mjs, stops the service.
#
# Env (see bench/README.md): BENCH_QUICK=1, BENCH_REPS, BENCH_WORKLOADS, BENCH_READERS,
# BENCH_CONCURRENCY, BENCH_CONC_SQL, BENCH_WARMUP=0, BENCH_TIMEOUT_S, BENCH_PORT (3100),
# BENCH_PROFILE=1 (CPU profile of one svc-csv lineitem download instead of the benchmark),
# BENCH_PROFILE_SQL, BENCH_SKIP_BUILD=1, BENCH_WAN=1 (downloads over a simulated WAN link,
# bench/wan.mjs, instead of the benchmark).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PORT="${BENCH_PORT:-3100}"
# The concurrency runs send up to 32 downloads as one user; the default limit (10) would
# answer most of them 429.
export QUERY_MAX_CONCURRENT_PER_USER="${QUERY_MAX_CONCURRENT_PER_USER:-64}"
SERVICE="http://127.0.0.1:$PORT"
TRINO_URL="${TRINO_URL:-http://127.0.0.1:8080}"
JAVA_BIN="${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
CACHE="$ROOT/.cache/bench"
CLI_JAR="$CACHE/trino-cli-476-executable.jar"
VENV="$ROOT/.cache/bench-venv"
PY_TRINO_VERSION="${BENCH_PY_TRINO_VERSION:-0.340.0}"
RESULTS="$ROOT/bench/results"
LOG_DIR="$ROOT/bench/tmp"
mkdir -p "$CACHE" "$RESULTS" "$LOG_DIR"

ensure_deps
start_owned trino

if [[ ! -s "$CLI_JAR" ]]; then
  echo "bench: fetching trino-cli 476 with Maven"
  mvn -q dependency:copy -Dartifact=io.trino:trino-cli:476:jar:executable -DoutputDirectory="$CACHE"
fi
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import trino' 2>/dev/null; then
  echo "bench: creating $VENV with trino==$PY_TRINO_VERSION"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "trino==$PY_TRINO_VERSION"
fi

# pyarrow and pandas for the DataFrame race (df-arrow, df-trino readers).
bash "$ROOT/scripts/arrow/venv.sh" >/dev/null

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then npx nest build; fi

service_pid=""
stop_service() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  service_pid=""
}
trap 'stop_service; stop_owned' EXIT
trap 'exit 130' INT TERM

if http_get "$SERVICE/health" >/dev/null 2>&1; then
  echo "bench: something already answers at $SERVICE; set BENCH_PORT to a free port" >&2
  exit 1
fi

node_args=()
if [[ "${BENCH_PROFILE:-0}" == 1 ]]; then
  rm -rf "$RESULTS/profile"
  mkdir -p "$RESULTS/profile"
  node_args=(--cpu-prof "--cpu-prof-dir=$RESULTS/profile")
fi
PORT="$PORT" HOST=127.0.0.1 TRINO_URL="$TRINO_URL" \
  AUTH_BASIC_PASSWORD_FILE="$ROOT/test/fixtures/password.db" LOG_LEVEL=warn \
  node "${node_args[@]}" dist/src/main.js >"$LOG_DIR/service.log" 2>&1 &
service_pid=$!
if ! wait_for_url "$SERVICE/health" 60 healthy "$service_pid"; then
  echo "bench: service did not become healthy; last log lines:" >&2
  tail -20 "$LOG_DIR/service.log" >&2
  exit 1
fi

trino_pid=""
[[ -f .run/trino/pid ]] && trino_pid="$(cat .run/trino/pid)"
export BENCH_SERVICE_PID="$service_pid" BENCH_TRINO_PID="$trino_pid" BENCH_TRINO_URL="$TRINO_URL" \
  BENCH_SERVICE_URL="$SERVICE" BENCH_JAVA="$JAVA_BIN" BENCH_CLI_JAR="$CLI_JAR" BENCH_PYTHON="$VENV/bin/python"

if [[ "${BENCH_PROFILE:-0}" == 1 ]]; then
  node bench/run.mjs --profile
  stop_service # SIGTERM: the service exits normally and V8 writes the .cpuprofile
  date="$(date +%F)"
  node bench/profile.mjs "$RESULTS/profile" "$RESULTS/$date-profile.md"
  echo
  echo "bench: wrote $RESULTS/$date-profile.md (profile in $RESULTS/profile/)"
elif [[ "${BENCH_WAN:-0}" == 1 ]]; then
  node bench/wan.mjs
else
  node bench/run.mjs
fi

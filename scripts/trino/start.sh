#!/usr/bin/env bash
# Start a local single-node Trino for development/tests (or reuse one that
# already answers at $TRINO_URL). Writes the JVM PID to .run/trino/pid.
#
# Env:
#   TRINO_PORT                 HTTP port (default 8080)
#   TRINO_URL                  URL probed for an existing server
#                              (default http://127.0.0.1:$TRINO_PORT)
#   TRINO_START_TIMEOUT        seconds to wait for readiness (default 180)
#   TRINO_RUN_DIR              pid, log, rendered etc/ and data (default .run/trino);
#                              a second instance (other port) needs its own
#   TRINO_ETC_TEMPLATE         etc/ template to render (default trino/etc)
#   TRINO_PROBE_USER           X-Trino-User of the readiness query (default start.sh)
#   HTTP_CA_FILE, HTTP_BASIC_USER  for a Trino behind HTTPS and a password (scripts/lib.sh)
#   JAVA_HOME                  used if it is Java >= 24, else Temurin 25 below
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

TRINO_VERSION="${TRINO_VERSION:-476}"
TRINO_PORT="${TRINO_PORT:-8080}"
TRINO_URL="${TRINO_URL:-http://127.0.0.1:$TRINO_PORT}"
TIMEOUT="${TRINO_START_TIMEOUT:-180}"
FALLBACK_JAVA_HOME="/usr/lib/jvm/temurin-25-jdk-amd64"
MIN_JAVA=24

SERVER_DIR="$ROOT/.cache/trino/trino-server-$TRINO_VERSION"
RUN_DIR="${TRINO_RUN_DIR:-$ROOT/.run/trino}"
# The JVM runs with the data dir as its cwd, so a relative run dir must be made absolute.
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$ROOT/$RUN_DIR"
ETC_TEMPLATE="${TRINO_ETC_TEMPLATE:-$ROOT/trino/etc}"
ETC_DIR="$RUN_DIR/etc"
DATA_DIR="$RUN_DIR/data"
LOG_FILE="$RUN_DIR/server.log"
PID_FILE="$RUN_DIR/pid"
PORT_FILE="$RUN_DIR/port"
READY_PATTERN='"starting":[[:space:]]*false'

fail_with_log() { # MESSAGE
  echo "start.sh: $1" >&2
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last 40 lines of ${LOG_FILE#"$ROOT"/} -----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "-----" >&2
  fi
  exit 1
}

# probe_query: runs a tiny query over the REST protocol (following nextUri)
# and succeeds only if it FINISHED with a non-zero count. /v1/info reports
# "starting":false a moment before the coordinator has registered itself as
# an active node; until then queries fail with "No nodes available to run query".
probe_query() {
  local body next count got_rows=1
  body="$(http_post "$TRINO_URL/v1/statement" \
    "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'" \
    "X-Trino-User: ${TRINO_PROBE_USER:-start.sh}")" || return 1
  while :; do
    # rows arrive on some intermediate page, not necessarily the last one
    count="$(json_get data.0.0 <<<"$body")"
    if ((${count:-0} > 0)); then got_rows=0; fi
    next="$(json_get nextUri <<<"$body")"
    [[ -n "$next" ]] || break
    body="$(http_get "$next")" || return 1
  done
  [[ "$(json_get stats.state <<<"$body")" == FINISHED ]] && return "$got_rows"
}

wait_ready() { # PID|"" START_MS  (empty PID: server not started by us)
  local pid="$1" start_ms="$2" rc=0
  local deadline=$((SECONDS + TIMEOUT))
  wait_for_url "$TRINO_URL/v1/info" "$TIMEOUT" "$READY_PATTERN" "$pid" || rc=$?
  if ((rc == 0)); then
    until probe_query; do
      if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then rc=2; break; fi
      if ((SECONDS >= deadline)); then rc=1; break; fi
      sleep 0.5
    done
  fi
  case "$rc" in
    0) echo "start.sh: Trino ready at $TRINO_URL (pid ${pid:-unknown}) after $(($(now_ms) - start_ms)) ms" ;;
    2) rm -f "$PID_FILE" "$PORT_FILE"; fail_with_log "Trino process $pid exited during startup" ;;
    *) fail_with_log "Trino (pid ${pid:-unknown}) not ready after ${TIMEOUT}s; it is still running (stop it with scripts/trino/stop.sh)" ;;
  esac
}

# 1. Reuse a server that already answers (started by someone else, or by us).
if info="$(http_get "$TRINO_URL/v1/info")"; then
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "start.sh: Trino already running at $TRINO_URL (ours, pid $(cat "$PID_FILE"))"
  else
    echo "start.sh: reusing Trino already answering at $TRINO_URL (not started by us; no pid file written)"
  fi
  if [[ "$(json_get starting <<<"$info")" != false ]] || ! probe_query; then
    echo "start.sh: it is still starting; waiting up to ${TIMEOUT}s ..."
    wait_ready "" "$(now_ms)"
  fi
  exit 0
fi

# 2. Our own server may be mid-startup (pid alive, HTTP not up yet).
if [[ -f "$PID_FILE" ]]; then
  old_pid="$(cat "$PID_FILE")"
  if [[ "$old_pid" =~ ^[0-9]+$ ]] && kill -0 "$old_pid" 2>/dev/null; then
    old_port="$(cat "$PORT_FILE" 2>/dev/null || echo '?')"
    if [[ "$old_port" != "$TRINO_PORT" ]]; then
      echo "start.sh: a Trino started by this repo (pid $old_pid, port $old_port) is running but $TRINO_URL does not answer;" >&2
      echo "start.sh: stop it first with scripts/trino/stop.sh" >&2
      exit 1
    fi
    echo "start.sh: Trino (pid $old_pid) is starting; waiting ..."
    wait_ready "$old_pid" "$(now_ms)"
    exit 0
  fi
  echo "start.sh: removing stale pid file (pid $old_pid not running)"
  rm -f "$PID_FILE" "$PORT_FILE"
fi

# 3. Pick a JVM (Trino 476 needs Java >= 24).
java_major() { # JAVA_BIN -> prints major version (e.g. 25; 1 for 1.8)
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^[[:space:]]*java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
JAVA_BIN=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  v="$(java_major "$JAVA_HOME/bin/java")"
  if [[ -n "$v" ]] && ((v >= MIN_JAVA)); then
    JAVA_BIN="$JAVA_HOME/bin/java"
  else
    echo "start.sh: JAVA_HOME=$JAVA_HOME is Java ${v:-?} (< $MIN_JAVA); using $FALLBACK_JAVA_HOME"
  fi
fi
if [[ -z "$JAVA_BIN" ]]; then
  JAVA_BIN="$FALLBACK_JAVA_HOME/bin/java"
  [[ -x "$JAVA_BIN" ]] || fail_with_log "no Java >= $MIN_JAVA found (set JAVA_HOME)"
fi

# 4. Make sure the server is unpacked.
"$ROOT/scripts/trino/fetch.sh"

# 5. Render etc/ (absolute data dir, port) and lay out the data dir the way
#    bin/launcher does: cwd = data dir, with etc/ plugin/ secrets-plugin/ links.
mkdir -p "$RUN_DIR" "$DATA_DIR"
rm -rf "$ETC_DIR"
cp -R "$ETC_TEMPLATE" "$ETC_DIR"
sed -i.bak "s#@DATA_DIR@#$DATA_DIR#g" "$ETC_DIR/node.properties"
sed -i.bak "s#@TRINO_PORT@#$TRINO_PORT#g" "$ETC_DIR/config.properties"
rm -f "$ETC_DIR"/*.bak
for link in etc plugin secrets-plugin; do
  rm -rf "${DATA_DIR:?}/$link"
done
ln -s "$ETC_DIR" "$DATA_DIR/etc"
ln -s "$SERVER_DIR/plugin" "$DATA_DIR/plugin"
ln -s "$SERVER_DIR/secrets-plugin" "$DATA_DIR/secrets-plugin"

# 6. Build the java command line exactly like bin/launcher would.
jvm_opts=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -z "$line" || "$line" == \#* ]] && continue
  jvm_opts+=("$line")
done <"$ETC_DIR/jvm.config"

sys_props=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ -z "$line" || "$line" == \#* || "$line" != *=* ]] && continue
  sys_props+=("-D$line")
done <"$ETC_DIR/node.properties"

cmd=("$JAVA_BIN" -cp "$SERVER_DIR/lib/*" "${jvm_opts[@]}"
  "-Dconfig=$ETC_DIR/config.properties"
  "${sys_props[@]}"
  "-Dlog.levels-file=$ETC_DIR/log.properties"
  io.trino.server.TrinoServer)

echo "start.sh: starting Trino $TRINO_VERSION on $TRINO_URL with $JAVA_BIN (log: ${LOG_FILE#"$ROOT"/})"
start_ms="$(now_ms)"
{
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) start.sh"
  printf '%q ' "${cmd[@]}"
  echo
} >"$LOG_FILE"
# setsid (when available) detaches the JVM from our process group so Ctrl-C /
# test-runner teardown of the caller doesn't take it down; the JVM keeps the
# PID of the background job because neither nohup nor setsid fork here.
launcher=(nohup)
if command -v setsid >/dev/null 2>&1; then
  launcher=(setsid nohup)
fi
(cd "$DATA_DIR" && exec "${launcher[@]}" "${cmd[@]}") >>"$LOG_FILE" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"
echo "$TRINO_PORT" >"$PORT_FILE"

wait_ready "$pid" "$start_ms"

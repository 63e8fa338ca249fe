#!/usr/bin/env bash
# Start the local dev OpenID provider (scripts/idp/server.mjs) in the background.
# Reuses an IdP that already answers at $IDP_ISSUER. PID: .run/idp/pid, log: .run/idp/server.log
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

IDP_PORT="${IDP_PORT:-4455}"
IDP_ISSUER="${IDP_ISSUER:-http://127.0.0.1:${IDP_PORT}}"
DISCOVERY_URL="${IDP_ISSUER%/}/.well-known/openid-configuration"
RUN_DIR=".run/idp"
PID_FILE="$RUN_DIR/pid"
LOG_FILE="$RUN_DIR/server.log"
TIMEOUT_S="${IDP_START_TIMEOUT:-30}"

answers() { curl -fsS -o /dev/null --max-time 2 "$DISCOVERY_URL" 2>/dev/null; }

if answers; then
  echo "idp: reusing OpenID provider already answering at $IDP_ISSUER"
  exit 0
fi

mkdir -p "$RUN_DIR"
if [[ -f "$PID_FILE" ]]; then
  old_pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null; then
    echo "idp: pid $old_pid from $PID_FILE is alive but $DISCOVERY_URL does not answer; run scripts/idp/stop.sh first" >&2
    exit 1
  fi
  rm -f "$PID_FILE"
fi

echo "idp: starting node scripts/idp/server.mjs (port $IDP_PORT, log $LOG_FILE)"
IDP_PORT="$IDP_PORT" nohup node scripts/idp/server.mjs >>"$LOG_FILE" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"

deadline=$((SECONDS + TIMEOUT_S))
until answers; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "idp: server process $pid exited; last log lines:" >&2
    tail -n 30 "$LOG_FILE" >&2 || true
    rm -f "$PID_FILE"
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "idp: $DISCOVERY_URL did not answer within ${TIMEOUT_S}s; last log lines:" >&2
    tail -n 30 "$LOG_FILE" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "idp: ready at $IDP_ISSUER (pid $pid)"

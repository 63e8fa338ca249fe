#!/usr/bin/env bash
# Stop the Trino started by scripts/trino/start.sh (only the PID recorded in
# .run/trino/pid; never anything found by name). TERM, wait, then KILL.
#
# Env: TRINO_STOP_TIMEOUT  seconds to wait after TERM before KILL (default 30)
#      TRINO_RUN_DIR        the instance's run dir (default .run/trino)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

RUN_DIR="${TRINO_RUN_DIR:-$ROOT/.run/trino}"
PID_FILE="$RUN_DIR/pid"
PORT_FILE="$RUN_DIR/port"
TIMEOUT="${TRINO_STOP_TIMEOUT:-30}"

if [[ ! -f "$PID_FILE" ]]; then
  echo "stop.sh: nothing to stop (no ${PID_FILE#"$ROOT"/})"
  exit 0
fi

pid="$(cat "$PID_FILE")"
if ! [[ "$pid" =~ ^[0-9]+$ ]]; then
  echo "stop.sh: invalid pid file content '$pid'; removing it" >&2
  rm -f "$PID_FILE" "$PORT_FILE"
  exit 1
fi

if ! kill -0 "$pid" 2>/dev/null; then
  echo "stop.sh: pid $pid is not running; removing stale pid file"
  rm -f "$PID_FILE" "$PORT_FILE"
  exit 0
fi

echo "stop.sh: sending TERM to Trino pid $pid"
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + TIMEOUT))
while kill -0 "$pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then
    echo "stop.sh: pid $pid still alive after ${TIMEOUT}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    break
  fi
  sleep 0.5
done

rm -f "$PID_FILE" "$PORT_FILE"
if kill -0 "$pid" 2>/dev/null; then
  echo "stop.sh: pid $pid is still alive after KILL" >&2
  exit 1
fi
echo "stop.sh: Trino (pid $pid) stopped"

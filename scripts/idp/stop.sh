#!/usr/bin/env bash
# Stop the dev OpenID provider started by scripts/idp/start.sh (only the PID in .run/idp/pid).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PID_FILE=".run/idp/pid"

if [[ ! -f "$PID_FILE" ]]; then
  echo "idp: no $PID_FILE, nothing to stop"
  exit 0
fi
pid="$(cat "$PID_FILE" 2>/dev/null || true)"
if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
  echo "idp: invalid pid file content, removing $PID_FILE" >&2
  rm -f "$PID_FILE"
  exit 0
fi

if kill -0 "$pid" 2>/dev/null; then
  echo "idp: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "idp: pid $pid still alive after 10s, sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
else
  echo "idp: pid $pid not running"
fi
rm -f "$PID_FILE"

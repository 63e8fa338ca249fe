#!/usr/bin/env bash
# Stop the production-shaped Trino started by scripts/trino-secure/start.sh (its pid file only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TRINO_RUN_DIR="$ROOT/.run/trino-secure" exec bash "$ROOT/scripts/trino/stop.sh"

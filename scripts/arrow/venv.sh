#!/usr/bin/env bash
# A Python venv under .cache/ (git-ignored) with the data tools that read Arrow downloads in
# the e2e suite: pyarrow, DuckDB, polars, and Trino's official Python client to compare with.
# Idempotent (reinstalls when test/arrow/requirements.txt changes); prints the venv's python.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.cache/arrow-venv"
REQUIREMENTS="$ROOT/test/arrow/requirements.txt"

if ! cmp -s "$REQUIREMENTS" "$VENV/.installed" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$REQUIREMENTS" >&2
  cp "$REQUIREMENTS" "$VENV/.installed"
  echo "venv.sh: installed $(grep -vc '^#' "$REQUIREMENTS") packages into $VENV" >&2
fi
echo "$VENV/bin/python"

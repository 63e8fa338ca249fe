#!/usr/bin/env bash
# `npm run check`: formatting, lint (TypeScript and the JavaScript of bench/ and scripts/), types
# (service and console), the committed WebAssembly against its source, and shellcheck on every
# shell script, each with zero warnings.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

npx prettier --check .
npx eslint . --max-warnings 0
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p console/tsconfig.json

# The committed WebAssembly is what its source compiles to (scripts/build-wasm.sh).
wasm_tmp="$(mktemp -d)"
trap 'rm -rf "$wasm_tmp"' EXIT
bash scripts/build-wasm.sh "$wasm_tmp/lz4-block.wasm"
cmp -s "$wasm_tmp/lz4-block.wasm" src/query/encoders/arrow/lz4-block.wasm ||
  { echo "check: lz4-block.wasm is stale; run scripts/build-wasm.sh and commit it" >&2; exit 1; }

# Debian's shellcheck: the system's when installed, else unpacked once into .cache/shellcheck/.
shellcheck_bin="$(command -v shellcheck || echo "$(deb_unpack shellcheck)/usr/bin/shellcheck")"
mapfile -t shell_scripts < <(git ls-files '*.sh' .ci/run)
"$shellcheck_bin" --external-sources --source-path=SCRIPTDIR "${shell_scripts[@]}"
echo "check: prettier, eslint, tsc, wasm and shellcheck (${#shell_scripts[@]} scripts) passed"

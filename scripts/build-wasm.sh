#!/usr/bin/env bash
# Compiles the service's WebAssembly (wasm/lz4-block.ts, AssemblyScript) into the module that
# is committed beside its loader, or into the file given: `npm run check` builds it afresh and
# compares, so the committed bytes are always what the source says. Committed rather than built
# by `npm run build`, so the image and a plain `nest build` need no compiler.
# Usage: npm run build:wasm [-- out.wasm]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

out="${1:-src/query/encoders/arrow/lz4-block.wasm}"
# No runtime, no imports, no allocator: the module is one function over three fixed pages
# (64 KiB each) whose layout the source states; a write past them traps instead of growing.
npx asc wasm/lz4-block.ts -O3 --runtime stub --noAssert --use abort= \
  --initialMemory 3 --maximumMemory 3 -o "$out"

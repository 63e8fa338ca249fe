#!/usr/bin/env bash
# One e2e suite on its own, with what it needs: `bash scripts/suite.sh soak` runs
# test/soak.e2e-spec.ts. Installs, starts Trino and the OpenID provider if missing (stopping
# only what it started), builds the service (the load and soak suites run dist/ as a process).
# Used by `npm run test:load`, `npm run soak` (SOAK_SECONDS, default 600) and `npm run test:trino-kill`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
name="${1:?usage: scripts/suite.sh <load|soak|trino-kill>}"
spec="test/$name.e2e-spec.ts"
[[ -f "$spec" ]] || { echo "suite.sh: no $spec" >&2; exit 2; }

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps
trap 'rc=$?; stop_owned; exit $rc' EXIT
start_owned idp
start_owned trino
npx nest build
npx jest --config test/jest-e2e.config.js --runInBand "$spec"

#!/usr/bin/env bash
# Loads docker-compose.yml with compose-go, the library `docker compose` itself uses (schema,
# interpolation, normalization, cross-references), without a Docker engine. Needs Go; not part
# of npm test, which checks the file with the compose-spec JSON schema and against the service.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .run
(cd scripts/compose-check && go build -o ../../.run/compose-check .)
.run/compose-check docker-compose.yml >.run/compose-resolved.yml
echo "compose-check: docker-compose.yml is valid (resolved project: .run/compose-resolved.yml)"

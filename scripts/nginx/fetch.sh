#!/usr/bin/env bash
# Debian's nginx, unpacked into .cache/nginx/ (git-ignored) for the load-balancer e2e suite.
# Not installed system-wide: `apt-get install nginx` would also start a daemon on port 80.
# Idempotent; prints the path of the nginx binary.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
echo "$(deb_unpack nginx)/usr/sbin/nginx"

#!/usr/bin/env bash
# Start (or reuse) the production-shaped Trino the secure e2e suite runs against: HTTPS only
# for clients, password authentication for the service's own account (trino-stream), and
# file-based access control (trino/etc-secure/rules.json) that lets that account impersonate
# alice and bob, each with different table rights.
#
# Makes, once, into .run/trino-secure/tls/: a CA (ca.pem: what TRINO_TLS_CA_FILE points to),
# a server certificate for 127.0.0.1 and localhost signed by it (trino-keystore.pem, key and
# certificate in one PEM file as Trino reads it) and the internal shared secret; renders the
# etc/ template and hands over to scripts/trino/start.sh.
#
# Env: TRINO_SECURE_HTTPS_PORT (default 8443), TRINO_SECURE_HTTP_PORT (default 8093; plain
#      HTTP for internal communication only: Trino refuses client credentials over it)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

HTTPS_PORT="${TRINO_SECURE_HTTPS_PORT:-8443}"
HTTP_PORT="${TRINO_SECURE_HTTP_PORT:-8093}"
RUN_DIR="$ROOT/.run/trino-secure"
TLS_DIR="$RUN_DIR/tls"
TEMPLATE_DIR="$RUN_DIR/etc-template"
# The service's account; its bcrypt hash is in trino/etc-secure/password.db.
SERVICE_USER="trino-stream"
SERVICE_PASSWORD="trino-stream-service-password"

command -v openssl >/dev/null 2>&1 || { echo "trino-secure/start.sh: openssl is required" >&2; exit 1; }

make_tls() {
  local tmp
  tmp="$(mktemp -d)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=trino-stream test CA" \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
  printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
    'extendedKeyUsage=serverAuth' >"$tmp/ext"
  openssl x509 -req -days 825 -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -CAcreateserial -extfile "$tmp/ext" -out "$tmp/server.pem" 2>/dev/null
  cat "$tmp/server.key" "$tmp/server.pem" >"$tmp/trino-keystore.pem"
  openssl rand -base64 48 | tr -d '\n' >"$tmp/shared-secret"
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  # The CA key is not kept: nothing else is ever signed with it.
  mv "$tmp/ca.pem" "$tmp/trino-keystore.pem" "$tmp/shared-secret" "$TLS_DIR/"
  rm -rf "$tmp"
  echo "trino-secure/start.sh: made a CA and a server certificate for 127.0.0.1/localhost in ${TLS_DIR#"$ROOT"/}"
}

# Keep existing material: a running instance must keep matching the CA clients were given.
if [[ ! -s "$TLS_DIR/ca.pem" || ! -s "$TLS_DIR/trino-keystore.pem" || ! -s "$TLS_DIR/shared-secret" ]]; then
  make_tls
fi

rm -rf "$TEMPLATE_DIR"
cp -R "$ROOT/trino/etc-secure" "$TEMPLATE_DIR"
sed -i.bak -e "s#@HTTPS_PORT@#$HTTPS_PORT#g" -e "s#@TLS_DIR@#$TLS_DIR#g" \
  -e "s#@SHARED_SECRET@#$(cat "$TLS_DIR/shared-secret")#g" "$TEMPLATE_DIR/config.properties"
rm -f "$TEMPLATE_DIR"/*.bak
chmod 600 "$TEMPLATE_DIR/config.properties"

# The readiness probe of scripts/trino/start.sh runs as the service's account, over HTTPS.
TRINO_RUN_DIR="$RUN_DIR" TRINO_ETC_TEMPLATE="$TEMPLATE_DIR" TRINO_PORT="$HTTP_PORT" \
  TRINO_URL="https://127.0.0.1:$HTTPS_PORT" TRINO_PROBE_USER="$SERVICE_USER" \
  HTTP_CA_FILE="$TLS_DIR/ca.pem" HTTP_BASIC_USER="$SERVICE_USER:$SERVICE_PASSWORD" \
  exec bash "$ROOT/scripts/trino/start.sh"

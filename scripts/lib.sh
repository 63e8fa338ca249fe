# shellcheck shell=bash
# Generic helpers for the repo's shell scripts. Source it:
#   # shellcheck source=scripts/lib.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Optional env for both helpers, for a Trino behind HTTPS and a password:
#   HTTP_CA_FILE     PEM file of the CA to trust (curl --cacert; node: NODE_EXTRA_CA_CERTS)
#   HTTP_BASIC_USER  user:password sent as HTTP Basic
http_tls_args() {
  [[ -n "${HTTP_CA_FILE:-}" ]] && printf '%s\n' --cacert "$HTTP_CA_FILE"
  [[ -n "${HTTP_BASIC_USER:-}" ]] && printf '%s\n' -u "$HTTP_BASIC_USER"
  return 0
}
http_node_auth() {
  [[ -n "${HTTP_BASIC_USER:-}" ]] && printf 'Basic %s' "$(printf '%s' "$HTTP_BASIC_USER" | base64 -w0)"
  return 0
}

# http_get URL
# Prints the response body to stdout. Fails (non-zero) on connection errors
# and on HTTP status >= 400. Uses curl when available, else node (>= 18).
http_get() {
  local url="$1"
  if command -v curl >/dev/null 2>&1; then
    local extra=()
    mapfile -t extra < <(http_tls_args)
    curl -fsS --max-time 5 "${extra[@]}" "$url" 2>/dev/null
  elif command -v node >/dev/null 2>&1; then
    NODE_EXTRA_CA_CERTS="${HTTP_CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}" node -e '
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 5000);
      const headers = process.argv[2] ? { authorization: process.argv[2] } : {};
      fetch(process.argv[1], { signal: ac.signal, headers })
        .then(async (r) => {
          const body = await r.text();
          clearTimeout(t);
          if (!r.ok) process.exit(22);
          process.stdout.write(body);
        })
        .catch(() => process.exit(7));
    ' "$url" "$(http_node_auth)"
  else
    echo "http_get: neither curl nor node is available" >&2
    return 127
  fi
}

# http_post URL BODY [HEADER...]
# POSTs BODY, prints the response body; HEADER items look like "Name: value".
# Same failure semantics and curl/node fallback as http_get.
http_post() {
  local url="$1" body="$2"
  shift 2
  if command -v curl >/dev/null 2>&1; then
    local args=() h
    mapfile -t args < <(http_tls_args)
    for h in "$@"; do args+=(-H "$h"); done
    curl -fsS --max-time 30 -X POST "${args[@]}" --data-binary "$body" "$url" 2>/dev/null
  elif command -v node >/dev/null 2>&1; then
    NODE_EXTRA_CA_CERTS="${HTTP_CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}" node -e '
      const [url, body, ...hs] = process.argv.slice(1);
      const headers = {};
      for (const h of hs) { const i = h.indexOf(":"); headers[h.slice(0, i).trim()] = h.slice(i + 1).trim(); }
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 30000);
      fetch(url, { method: "POST", headers, body, signal: ac.signal })
        .then(async (r) => {
          const text = await r.text();
          clearTimeout(t);
          if (!r.ok) process.exit(22);
          process.stdout.write(text);
        })
        .catch(() => process.exit(7));
    ' "$url" "$body" "$@" ${HTTP_BASIC_USER:+"Authorization: $(http_node_auth)"}
  else
    echo "http_post: neither curl nor node is available" >&2
    return 127
  fi
}

# wait_for_url URL TIMEOUT_SECONDS GREP_PATTERN [PID]
# Polls URL (every 0.5 s) until its body matches the extended regex
# GREP_PATTERN. If PID is given and that process exits, gives up early.
# Returns 0 when ready, 1 on timeout, 2 if PID died.
wait_for_url() {
  local url="$1" timeout="$2" pattern="$3" pid="${4:-}"
  local deadline=$((SECONDS + timeout))
  local body
  while :; do
    if body="$(http_get "$url")" && grep -Eq -- "$pattern" <<<"$body"; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
}

# now_ms: wall clock in milliseconds (GNU date; falls back to seconds * 1000).
now_ms() {
  local t
  t="$(date +%s%3N 2>/dev/null || true)"
  if [[ "$t" =~ ^[0-9]+$ ]]; then
    echo "$t"
  else
    echo $(($(date +%s) * 1000))
  fi
}

# ensure_deps: npm ci when node_modules is missing or the lock file changed since the
# last install by these scripts (a fresh clone has nothing installed).
ensure_deps() {
  if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json .run/installed.lock; then
    npm ci --no-audit --no-fund
    mkdir -p .run && cp package-lock.json .run/installed.lock
  fi
}

# live_pid SERVICE: true when .run/SERVICE/pid names a process that is alive. A pid file left
# by a crashed or killed run is stale and says nothing about who owns what answers now.
live_pid() {
  [[ -f ".run/$1/pid" ]] && kill -0 "$(cat ".run/$1/pid")" 2>/dev/null
}

# start_owned SERVICE: runs scripts/SERVICE/start.sh (which reuses one already answering) and
# remembers SERVICE in STARTED only if this call started it, so stop_owned stops only that.
STARTED=()
start_owned() {
  local svc="$1" had=0
  live_pid "$svc" && had=1
  bash "scripts/$svc/start.sh"
  if ((!had)) && live_pid "$svc"; then STARTED+=("$svc"); fi
}

stop_owned() {
  local svc
  for svc in "${STARTED[@]}"; do bash "scripts/$svc/stop.sh" || true; done
}

# `trap stop_on_exit EXIT`: on any exit, kill the service process the script started itself
# (OWNED_PID, when set), stop the services in STARTED, and keep the script's exit status.
OWNED_PID=""
stop_on_exit() {
  local rc=$?
  [[ -z "$OWNED_PID" ]] || kill "$OWNED_PID" 2>/dev/null || true
  stop_owned
  exit "$rc"
}

# start_owned_bg SERVICE: start_owned in the background (output in .run/SERVICE-start.log), so a
# slow start overlaps other work; wait_owned SERVICE waits for it and fails with its log. The
# service counts as ours at once unless its own live pid was already there, so stop_owned
# stops it even when the run ends mid-start.
declare -A BG_JOBS=()
start_owned_bg() {
  local svc="$1"
  mkdir -p .run
  live_pid "$svc" || STARTED+=("$svc")
  bash "scripts/$svc/start.sh" >".run/$svc-start.log" 2>&1 &
  BG_JOBS[$svc]=$!
}

wait_owned() {
  local svc="$1"
  if ! wait "${BG_JOBS[$svc]}"; then
    cat ".run/$svc-start.log" >&2
    echo "$svc failed to start (log above: .run/$svc-start.log)" >&2
    return 1
  fi
  cat ".run/$svc-start.log"
}

# json_get PATH: prints the value at PATH (keys and indices joined by dots, e.g. stats.state or
# data.0.0) of the JSON document on stdin, nothing when absent. Scripts read JSON with a parser,
# never with sed: a pattern breaks on a reordered member or an escaped quote.
json_get() {
  node -e '
    let v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const k of process.argv[1].split(".")) v = v == null ? undefined : v[k];
    if (v != null) process.stdout.write(typeof v === "object" ? JSON.stringify(v) : String(v));
  ' "$1"
}

# apt_install PACKAGE...: installs the Debian packages that are missing, says which, and does
# nothing (silently) when all are there.
apt_install() {
  local missing=() pkg sudo=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || {
      echo "apt_install: missing ${missing[*]}; install as root: apt-get install -y ${missing[*]}" >&2
      return 1
    }
    sudo=(sudo)
  fi
  echo "apt_install: installing Debian packages ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# deb_unpack PACKAGE: unpacks Debian's PACKAGE into .cache/PACKAGE/ (git-ignored) once and prints
# that folder. For programs the scripts run but that must not be installed system-wide (nginx
# would start a daemon on port 80) or that need no root to use (shellcheck).
deb_unpack() {
  local pkg="$1" dir tmp
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cache/$pkg"
  if [[ ! -f "$dir/.unpacked" ]]; then
    tmp="$(mktemp -d)"
    # apt-get download needs the package lists; a fresh machine may have none yet.
    if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1); then
      if ((EUID == 0)); then apt-get update -qq; else sudo apt-get update -qq; fi
      (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1)
    fi
    mkdir -p "$dir"
    dpkg-deb -x "$tmp/${pkg}"_*.deb "$dir"
    echo "deb_unpack: unpacked $(basename "$tmp/${pkg}"_*.deb) into $dir" >&2
    rm -rf "$tmp"
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

# ensure_chromium: the browser suites drive Debian's Chromium (playwright-core ships no browser,
# and no browser build can be downloaded here).
ensure_chromium() {
  apt_install chromium fonts-liberation
}

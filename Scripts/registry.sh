#!/usr/bin/env bash
# Two private image registries on loopback for swtop's pull and push tests: Debian's docker-registry
# (the CNCF distribution registry 2.8), plain on 127.0.0.1:$SWTOP_REGISTRY_PORT (default 15000) and with
# basic auth (htpasswd, bcrypt) on the next port. The engines treat 127.0.0.0/8 registries as insecure
# by default, so plain HTTP works without daemon settings.
#
#   registry.sh up       start both (installs docker-registry and apache2-utils' htpasswd when missing);
#                        fresh storage and a fresh password every time
#   registry.sh down     stop both; remove nothing else
#   registry.sh env      prints `export SWTOP_TEST_REGISTRY=...` (for eval):
#                        plain=127.0.0.1:PORT,auth=127.0.0.1:PORT2,user=USER,password=PASSWORD
#   registry.sh status   running or not
#
# Everything lives in .registry/ of the checkout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DIR="${SWTOP_REGISTRY_DIR:-$ROOT/.registry}"
PORT="${SWTOP_REGISTRY_PORT:-15000}"
AUTH_PORT=$((PORT + 1))
USER_NAME=swtop

log() { printf '[registry] %s\n' "$*" >&2; }
die() { printf '[registry] error: %s\n' "$*" >&2; exit 1; }

pid_of() {
  local file="$DIR/$1.pid" pid
  [[ -s "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

answers() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/v2/" 2>/dev/null || true
}

install() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  (( ${#missing[@]} == 0 )) && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service is started by the package (no init here); ours runs with its own config.
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

config() {
  local name="$1" port="$2" auth="$3"
  mkdir -p "$DIR/$name/data"
  {
    printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$DIR/$name/data"
    printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
    if [[ "$auth" == yes ]]; then
      printf 'auth:\n  htpasswd:\n    realm: swtop\n    path: %s\n' "$DIR/htpasswd"
    fi
  } >"$DIR/$name/config.yml"
}

start() {
  local name="$1" port="$2" i code
  nohup docker-registry serve "$DIR/$name/config.yml" >"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
  for i in $(seq 1 100); do
    code="$(answers "$port")"
    [[ "$code" == 200 || "$code" == 401 ]] && { log "$name: up on 127.0.0.1:$port (HTTP $code on /v2/)"; return 0; }
    pid_of "$name" >/dev/null || { tail -n 20 "$DIR/$name.log" >&2; die "$name exited"; }
    sleep 0.1
  done
  tail -n 20 "$DIR/$name.log" >&2
  die "$name does not answer on 127.0.0.1:$port"
}

down() {
  local name pid
  for name in plain auth; do
    if pid="$(pid_of "$name")"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/$name.pid"
  done
  log "down"
}

up() {
  install
  down >/dev/null 2>&1 || true
  rm -rf "$DIR/plain" "$DIR/auth"
  mkdir -p "$DIR"
  head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$DIR/password"
  htpasswd -Bbn "$USER_NAME" "$(cat "$DIR/password")" >"$DIR/htpasswd"
  config plain "$PORT" no
  config auth "$AUTH_PORT" yes
  start plain "$PORT"
  start auth "$AUTH_PORT"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env)
    [[ -s "$DIR/password" ]] || die "not set up: registry.sh up first"
    printf 'export SWTOP_TEST_REGISTRY=plain=127.0.0.1:%s,auth=127.0.0.1:%s,user=%s,password=%s\n' \
      "$PORT" "$AUTH_PORT" "$USER_NAME" "$(cat "$DIR/password")"
    ;;
  status)
    for name in plain auth; do
      if pid="$(pid_of "$name")"; then echo "$name running pid $pid"; else echo "$name down"; fi
    done
    ;;
  *) die "usage: registry.sh up|down|env|status" ;;
esac

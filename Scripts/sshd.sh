#!/usr/bin/env bash
# A private sshd on loopback for swtop's ssh:// tests (Debian's openssh-server, started as root).
#
#   sshd.sh up [REMOTE_SOCKET]   generate keys and configs, start sshd on 127.0.0.1:$SWTOP_SSHD_PORT
#                                (default 22022); REMOTE_SOCKET is the engine socket the test URL names
#                                (default: the bookworm engine's, from engines.sh sock bookworm)
#   sshd.sh down                 stop that sshd and every connection process it forked; remove nothing
#                                else (the keys stay for the next `up`, which makes them again anyway)
#   sshd.sh env                  prints `export SWTOP_TEST_SSH=...` (for eval):
#                                url=ssh://root@127.0.0.1:PORT/REMOTE_SOCKET,config=FILE,unknown=FILE,port=PORT
#                                config: a client config (our key, IdentitiesOnly, known_hosts holding the
#                                host key); unknown: the same with an EMPTY known_hosts
#   sshd.sh status               running or not
#
# Nothing of the system's ssh setup is used: own host key, own client key, AuthorizedKeysFile of ours,
# PidFile of ours, UsePAM no. The system sshd is never started (engines.sh install keeps apt from
# starting services). Everything lives in .sshd/ of the checkout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DIR="${SWTOP_SSHD_DIR:-$ROOT/.sshd}"
PORT="${SWTOP_SSHD_PORT:-22022}"
SSHD=/usr/sbin/sshd

log() { printf '[sshd] %s\n' "$*" >&2; }
die() { printf '[sshd] error: %s\n' "$*" >&2; exit 1; }

# sshd processes of this DIR: the listener (its title keeps "-f DIR/sshd_config"; sshd overwrites its
# argv and environment with the title) and every process it forked for a connection (those run in
# sessions of their own, so they are found through their parents, before the listener goes).
our_pids() {
  local p
  for p in /proc/[0-9]*; do
    [[ "$({ cat "$p/comm"; } 2>/dev/null || true)" == sshd ]] || continue
    if [[ "$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)" == *"-f $DIR/sshd_config"* ]]; then
      tree "${p#/proc/}"
    fi
  done
}
tree() {
  local c
  printf '%s\n' "$1"
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do tree "$c"; done
}

listening() {
  ss -ltnH "( sport = :$PORT )" 2>/dev/null | grep -q .
}

down() {
  local pids p i
  pids="$(our_pids)"
  if [[ -z "$pids" ]]; then
    log "not running"
    return 0
  fi
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 1 50); do
    pids="$(our_pids)"
    [[ -z "$pids" ]] && break
    sleep 0.1
  done
  if [[ -n "$pids" ]]; then
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
  fi
  [[ -z "$(our_pids)" ]] || die "sshd processes left: $(our_pids | tr '\n' ' ')"
  rm -f "$DIR/sshd.pid"
  log "stopped"
}

up() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (sshd logs in as root to reach the engine socket)"
  [[ -x "$SSHD" ]] || die "$SSHD missing: apt-get install openssh-server (Scripts/engines.sh install does)"
  local remote="${1:-}"
  if [[ -z "$remote" ]]; then
    remote="$(bash "$ROOT/Scripts/engines.sh" sock bookworm)"
  fi
  [[ "$remote" == /* ]] || die "remote socket must be an absolute path: $remote"
  down
  if listening; then die "127.0.0.1:$PORT is taken by another process"; fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  ssh-keygen -q -t ed25519 -N '' -C swtop-test-host -f "$DIR/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C swtop-test-client -f "$DIR/client_ed25519"
  cp "$DIR/client_ed25519.pub" "$DIR/authorized_keys"
  chmod 600 "$DIR/authorized_keys"
  printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$DIR/host_ed25519.pub")" >"$DIR/known_hosts"
  : >"$DIR/known_hosts_empty"
  printf '%s\n' "$remote" >"$DIR/remote_socket"
  cat >"$DIR/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_ed25519
PidFile $DIR/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
StrictModes no
MaxStartups 50
LogLevel VERBOSE
EOF
  local client
  for client in config:known_hosts unknown:known_hosts_empty; do
    cat >"$DIR/client_${client%%:*}" <<EOF
Host *
  User root
  IdentityFile $DIR/client_ed25519
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $DIR/${client#*:}
  GlobalKnownHostsFile /dev/null
  UpdateHostKeys no
  LogLevel ERROR
EOF
    chmod 600 "$DIR/client_${client%%:*}"
  done
  # Privilege separation needs this directory (the package creates it only when its service starts).
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  "$SSHD" -t -f "$DIR/sshd_config" || die "sshd rejects $DIR/sshd_config"
  SWTOP_SSHD_DIR="$DIR" "$SSHD" -f "$DIR/sshd_config" -E "$DIR/sshd.log"
  local i
  for i in $(seq 1 50); do
    listening && break
    sleep 0.1
  done
  listening || die "sshd did not listen on 127.0.0.1:$PORT (see $DIR/sshd.log)"
  log "sshd on 127.0.0.1:$PORT (pid $(cat "$DIR/sshd.pid")), forwarding to $remote"
}

env_line() {
  [[ -s "$DIR/remote_socket" ]] || die "not set up: run sshd.sh up first"
  printf 'export SWTOP_TEST_SSH=%q\n' \
    "url=ssh://root@127.0.0.1:$PORT$(cat "$DIR/remote_socket"),config=$DIR/client_config,unknown=$DIR/client_unknown,port=$PORT"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  env) env_line ;;
  status) if [[ -n "$(our_pids)" ]]; then echo "running: $(our_pids | tr '\n' ' ')"; else echo "not running"; fi ;;
  *) die "usage: sshd.sh up [REMOTE_SOCKET] | down | env | status" ;;
esac

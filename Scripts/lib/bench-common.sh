# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# What the benchmarks (Benchmarks/run.sh, logs.sh, layers.sh, exec.sh) share: the engine lock, the build
# lock, the release build, the tools from PyPI in Benchmarks/.venv and the teardown. Source it after
# Scripts/lib/engines-common.sh, with BENCH_TAG set to the script's log prefix (bench, logs, layers, exec).
#
#   bench_locked SCRIPT ARGS...   run SCRIPT again under /tmp/swtop-engines-bench.lock (one benchmark
#                                 at a time on the bench engine) and exit with its status; returns at
#                                 once in the process that holds the lock; --help needs no lock
#   bench_traps FUNCTION          FUNCTION runs on exit, INT, TERM and HUP (exit 130, 143, 129)
#   bench_teardown ENGINE         the engine down (if it runs) and the build lock released
#   bench_release_build_lock      the build lock released (what bench_hold_build_lock took), if held
#   bench_build_swtop LOGFILE     .build/release/swtop, built under /tmp/swtop-build.lock with the flags
#                                 of Scripts/lib/release-build.sh (exits on failure, the log's tail shown)
#   bench_hold_build_lock DIR     takes /tmp/swtop-build.lock until bench_teardown (no Swift build
#                                 shares the cores with a measurement); DIR holds a fifo for a moment
#   bench_venv_tool PACKAGE BIN   Benchmarks/.venv/bin/BIN, PyPI's PACKAGE installed on first use
#   bench_swtop_rev               "<commit>" or "<commit> + uncommitted changes in Sources/Package.swift"

BENCH_TAG="${BENCH_TAG:-bench}"
BENCH_ENGINE_LOCK=/tmp/swtop-engines-bench.lock
BENCH_BUILD_LOCK=/tmp/swtop-build.lock
BENCH_VENV="$SWTOP_ROOT/Benchmarks/.venv"
BENCH_BUILD_LOCK_PID=""

bench_log() { printf '[%s] %s\n' "$BENCH_TAG" "$*" >&2; }

bench_usage() { # bench_usage SCRIPT: its leading comment block
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
}

bench_locked() {
  local script="$1"
  shift
  [[ -z "${SWTOP_BENCH_LOCKED:-}" ]] || return 0
  case "${1:-}" in -h|--help|help) bench_usage "$script"; exit 0 ;; esac
  # flock -o: the lock is not inherited by dockerd, tmux or anything else the script starts.
  local rc=0
  SWTOP_BENCH_LOCKED=1 flock -n -E 75 -o "$BENCH_ENGINE_LOCK" bash "$script" "$@" || rc=$?
  if (( rc == 75 )); then
    bench_log "error: $BENCH_ENGINE_LOCK is held: another benchmark uses the bench engine"
  fi
  exit "$rc"
}

bench_traps() {
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

bench_teardown() {
  local engine="$1"
  if swtop_engine_pid "$engine" >/dev/null 2>&1 || [[ -S "$(swtop_engine_sock "$engine")" ]]; then
    bash "$SWTOP_ROOT/Scripts/engines.sh" down "$engine" >/dev/null 2>&1 \
      || bench_log "warning: engines.sh down $engine failed"
  fi
  bench_release_build_lock
}

bench_release_build_lock() {
  if [[ -n "$BENCH_BUILD_LOCK_PID" ]]; then
    pkill -P "$BENCH_BUILD_LOCK_PID" 2>/dev/null || true
    kill "$BENCH_BUILD_LOCK_PID" 2>/dev/null || true
    wait "$BENCH_BUILD_LOCK_PID" 2>/dev/null || true
    BENCH_BUILD_LOCK_PID=""
  fi
}

bench_build_swtop() {
  local logfile="$1"
  bench_log "building swtop (release)"
  # shellcheck source=release-build.sh
  source "$SWTOP_ROOT/Scripts/lib/release-build.sh"
  (cd "$SWTOP_ROOT" && flock "$BENCH_BUILD_LOCK" "${SWTOP_RELEASE_BUILD[@]}") >"$logfile" 2>&1 \
    || { tail -n 30 "$logfile" >&2; bench_log "error: release build failed"; exit 1; }
}

bench_hold_build_lock() {
  local fifo="$1/.lock-fifo"
  bench_log "waiting for $BENCH_BUILD_LOCK (no Swift build runs while we measure)"
  rm -f "$fifo"
  mkfifo "$fifo"
  # A holder: flock takes the lock (-o: its child does not inherit it), says so through the
  # fifo, then waits on a sleep; bench_teardown ends the sleep and flock, which releases the lock.
  flock -o "$BENCH_BUILD_LOCK" bash -c 'echo locked; exec sleep 86400' >"$fifo" 2>/dev/null &
  BENCH_BUILD_LOCK_PID=$!
  read -r _ <"$fifo"
  rm -f "$fifo"
}

bench_venv_tool() {
  local package="$1" bin="$BENCH_VENV/bin/$2"
  if [[ ! -x "$bin" ]]; then
    bench_log "installing $package into $BENCH_VENV"
    [[ -x "$BENCH_VENV/bin/pip" ]] || python3 -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q "$package" >&2
  fi
  [[ -x "$bin" ]] || { bench_log "error: $bin missing after pip install $package"; exit 1; }
  printf '%s\n' "$bin"
}

bench_swtop_rev() {
  (cd "$SWTOP_ROOT" && printf '%s%s\n' "$(git rev-parse --short HEAD)" \
    "$(git diff --quiet HEAD -- Sources Package.swift || echo ' + uncommitted changes in Sources/Package.swift')")
}

#!/usr/bin/env bash
# shellcheck disable=SC2317  # shellcheck 0.9 takes `exec </dev/null` for the end of the script
# The test command (CI runs it through .ci/run). Runs every test of the package, unit,
# integration and end-to-end, against two private Docker engines that it starts and stops:
#
#   1. prerequisites  root, a Swift toolchain, Debian packages and trixie's unpacked engine
#                     (Scripts/engines.sh install), a UTF-8 locale for tmux
#   2. build          swift build --build-tests (debug); compiler warnings are listed again
#                     at the end of the phase
#   3. install        the release binary with the Swift runtime linked in (Scripts/install.sh into
#                     a folder of this run), as a user installs it; swtop-fuzz's release build beside
#                     it (SWTOP_FUZZ_BIN: FuzzTests' short pass of 10,000 inputs per decoder)
#   4. engines        bookworm (dockerd 20.10, API 1.41) and trixie (dockerd 26.1, API 1.45),
#                     each on a freshly wiped data-root, seeded with the sample objects (and
#                     swarm, a one-node swarm for the swarm tests: SWTOP_TEST_SWARM; tls, with a
#                     --tlsverify listener: SWTOP_TEST_TLS); a private sshd on 127.0.0.1:22022
#                     (Scripts/sshd.sh) forwarding to bookworm's socket for the ssh:// tests
#                     (SWTOP_TEST_SSH); then
#                     Scripts/check-install.sh proves the installed binary runs with the toolchain
#                     hidden (and talks to the 20.10 engine); then the tls engine (20.10 also on
#                     tcp://127.0.0.1:12376 with --tlsverify, certificates from Scripts/tls-certs.sh),
#                     seeded, named in SWTOP_TEST_TLS (host=...,certs=...,sock=...); ctrd (trixie's
#                     dockerd with the containerd image store, seeded: SWTOP_TEST_CTRD) and podman
#                     (Debian's podman 4.3 service, swtop/busybox imported: SWTOP_TEST_PODMAN)
#   5. tests          swift test --skip-build, serially (the engine tests share the engines),
#                     with SWTOP_TEST_ENGINES naming both sockets and SWTOP_BIN the installed
#                     release binary (what the command-line and end-to-end tests run); output unfiltered
#   6. teardown       always (also on failure, Ctrl-C or TERM): every engine down, no dockerd,
#                     containerd, shim or bridge of theirs left, the private sshd and its connection
#                     processes gone, the tests' tmux servers killed
#
# Exit code: swift test's; a failing earlier phase exits with its own code, and a teardown
# that leaves engine processes or bridges behind turns a pass into exit 1. The summary at the
# end lists phase times and failed tests; its last line is `tests: N passed, N failed, N skipped`
# (XCTest and Swift Testing cases added up).
#
# Usage:  Scripts/test.sh [swift test arguments, e.g. --filter IntegrationTests]
# Needs root (dockerd, bridges, mounts). Works from any clone path, with no stdin, and again
# and again (each run starts the engines afresh).
#
# Environment:
#   SWTOP_BUILD_LOCK  file the build phase holds with flock(1) so that one Swift build runs at
#                     a time on a shared machine (default /tmp/swtop-build.lock; empty: no lock).
#                     Only the build holds it, not the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
ENGINES_SH=(bash "$ROOT/Scripts/engines.sh")
ENGINES=(bookworm trixie)
# Engines some tests use through their own variable (not SWTOP_TEST_ENGINES, whose engines run every
# engine test): swarm = a one-node swarm (`docker swarm init`, SWTOP_TEST_SWARM); tls = bookworm's dockerd
# also on tcp://127.0.0.1:12376 with --tlsverify (SWTOP_TEST_TLS).
# ctrd = trixie's dockerd with the containerd image store, seeded (SWTOP_TEST_CTRD); podman = Debian's
# podman 4.3 service with swtop/busybox imported (SWTOP_TEST_PODMAN). spare, spare26 = 20.10 and 26.1
# with swtop/busybox only, for tests that empty a whole engine (SWTOP_TEST_SPARE).
EXTRA_ENGINES=(swarm tls ctrd podman spare spare26)
ALL_ENGINES=("${ENGINES[@]}" "${EXTRA_ENGINES[@]}")
BUILD_LOCK="${SWTOP_BUILD_LOCK-/tmp/swtop-build.lock}"

export DEBIAN_FRONTEND=noninteractive
export LANG=C.UTF-8 LC_ALL=C.UTF-8
exec </dev/null

T0=$SECONDS
PHASE_T0=$SECONDS
PHASE=""
TIMINGS=()

phase() {
  phase_done
  PHASE="$1"
  PHASE_T0=$SECONDS
  printf '\n==== [%s] %s ====\n' "$(date +%H:%M:%S)" "$PHASE"
}
phase_done() {
  if [[ -n "$PHASE" ]]; then
    TIMINGS+=("$(printf '%-14s %4ds' "$PHASE" $((SECONDS - PHASE_T0)))")
    PHASE=""
  fi
}
say() { printf '[test.sh] %s\n' "$*"; }
die() { printf '[test.sh] error: %s\n' "$*" >&2; exit 1; }

# Long steps run in the background and are waited for, so that INT/TERM reach the trap at
# once (bash runs traps only between foreground commands) and the trap can stop them.
CHILD=""
# PID and all its descendants (swift test runs the xctest runner, engines.sh the docker CLI).
process_tree() {
  local c
  printf '%s\n' "$1"
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null || true); do process_tree "$c"; done
}
run_child() {
  "$@" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  return "$rc"
}

# tmux servers that the end-to-end tests start live in a directory of this run only: never
# one of the user's servers (TMUX is unset too), and all of them are killed at the end.
TMUX_DIR="$(mktemp -d /tmp/swtop-test-tmux.XXXXXX)"
export TMUX_TMPDIR="$TMUX_DIR"
unset TMUX TMUX_PANE

BUILD_LOG="$(mktemp /tmp/swtop-test-build.XXXXXX)"
INSTALL_DIR="$(mktemp -d /tmp/swtop-test-install.XXXXXX)"
TEST_LOG="$(mktemp /tmp/swtop-test-output.XXXXXX)"
TESTS_RAN=0
CLEANED=0
ENGINES_TOUCHED=0
cleanup() {
  local rc=$1
  (( CLEANED )) && return 0
  CLEANED=1
  trap '' INT TERM
  if [[ -n "$CHILD" ]]; then
    # shellcheck disable=SC2046
    kill -TERM $(process_tree "$CHILD") 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  rm -f "$BUILD_LOG"
  rm -rf "$INSTALL_DIR"
  phase "teardown"
  local s
  for s in "$TMUX_DIR"/tmux-*/*; do
    if [[ -S "$s" ]]; then tmux -S "$s" kill-server 2>/dev/null || true; fi
  done
  rm -rf "$TMUX_DIR"
  local e p cmdline left=0
  (( ENGINES_TOUCHED )) || { phase_done; summary "$rc"; }
  if ! bash "$ROOT/Scripts/registry.sh" down; then
    say "the private registries did not go down cleanly"
    left=1
  fi
  if ! bash "$ROOT/Scripts/sshd.sh" down; then
    say "the private sshd did not go down cleanly"
    left=1
  fi
  # swtop's own ssh clients (their forwards live under /tmp/swtop-ssh-UID) die with their swtop.
  for p in /proc/[0-9]*; do
    [[ "$({ cat "$p/comm"; } 2>/dev/null || true)" == ssh ]] || continue
    cmdline="$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"
    if [[ "$cmdline" == *"/tmp/swtop-ssh-"* ]]; then
      say "left running: pid ${p#/proc/}: $cmdline"
      left=1
    fi
  done
  for e in "${ALL_ENGINES[@]}"; do
    if ! "${ENGINES_SH[@]}" down "$e"; then
      say "engine $e did not go down cleanly"
      left=1
    fi
  done
  # What must be gone: every process of our engine dirs and the engines' bridges.
  source "$ROOT/Scripts/lib/engines-common.sh"
  local p cmdline dir br
  for e in "${ALL_ENGINES[@]}"; do
    dir="$(swtop_engine_dir "$e")"
    br="$(swtop_engine_bridge "$e")"
    for p in /proc/[0-9]*; do
      # Processes come and go while this loop runs: a vanished one reads as empty.
      case "$({ cat "$p/comm"; } 2>/dev/null || true)" in
        dockerd|containerd|containerd-shim*|runc|docker-proxy|podman|conmon)
          cmdline="$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"
          if [[ "$cmdline" == *"$dir/"* ]]; then
            say "left running: pid ${p#/proc/}: $cmdline"
            left=1
          fi
          ;;
      esac
    done
    if ip link show dev "$br" >/dev/null 2>&1; then
      say "bridge $br is still there"
      left=1
    fi
  done
  if (( left )); then
    say "teardown left engine processes or bridges behind"
    (( rc == 0 )) && rc=1
  else
    say "engines stopped: no dockerd, containerd, shim or bridge of ${ALL_ENGINES[*]} left"
  fi
  phase_done
  summary "$rc"
}
summary() {
  printf '\n==== [%s] summary ====\n' "$(date +%H:%M:%S)"
  printf '  %s\n' "${TIMINGS[@]}"
  printf '  %-14s %4ds\n' total $((SECONDS - T0))
  local counts=""
  if (( TESTS_RAN )) && [[ -s "$TEST_LOG" ]]; then
    counts="$(count_tests "$TEST_LOG")"
    grep -E "^Test Case '.*' failed \(|^✘ Test .* failed after" "$TEST_LOG" | sed 's/^/  failed: /' || true
  fi
  rm -f "$TEST_LOG"
  say "exit code $1"
  # Last line, in the plain form any reader of the log understands (XCTest and Swift Testing
  # cases added up).
  [[ -z "$counts" ]] || printf 'tests: %s\n' "$counts"
  exit "$1"
}
count_tests() {
  local log="$1" pass fail skip
  pass=$(( $(grep -cE "^Test Case '.*' passed \(" "$log" || true) \
    + $(grep -E '^✔ Test .* passed after' "$log" | grep -cv '^✔ Test run with' || true) ))
  fail=$(( $(grep -cE "^Test Case '.*' failed \(" "$log" || true) \
    + $(grep -E '^✘ Test .* failed after' "$log" | grep -cv '^✘ Test run with' || true) ))
  skip=$(( $(grep -cE "^Test Case '.*' skipped \(" "$log" || true) \
    + $(grep -E '^➜ Test .* skipped' "$log" | grep -cv '^➜ Test run with' || true) ))
  printf '%d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
}
trap 'cleanup $?' EXIT
trap 'say "interrupted"; cleanup 130' INT
trap 'say "terminated"; cleanup 143' TERM

# ---------------------------------------------------------------------------------------
phase "prerequisites"
[[ "$(id -u)" == 0 ]] || die "must run as root: the private engines need dockerd, bridges and mounts (try: sudo $0)"
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || die "no swift on PATH (a Swift 6 toolchain is needed; expected in /opt/swift/usr/bin)"
say "$(swift --version 2>/dev/null | head -n 1)"
# Packages (apt-get update only when something is missing) and trixie's unpacked engine.
"${ENGINES_SH[@]}" install
# tmux shows wide characters only under a UTF-8 locale; glibc ships C.UTF-8 in libc-bin.
if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
  say "C.UTF-8 locale missing: installing locales"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends locales
  locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || die "no C.UTF-8 locale on this system"
fi
say "locale: LANG=$LANG LC_ALL=$LC_ALL; tmux $(tmux -V | cut -d' ' -f2); docker CLI $(/usr/bin/docker --version | cut -d' ' -f3 | tr -d ,)"

# ---------------------------------------------------------------------------------------
phase "build"
build() {
  if [[ -n "$BUILD_LOCK" ]]; then
    # Held on fd 9 by this (background) subshell until the build ends; swift and tee do not
    # inherit it, so nothing the build leaves behind can keep it.
    exec 9>>"$BUILD_LOCK"
    if ! flock -n 9; then
      local w=$SECONDS
      say "waiting for $BUILD_LOCK: another Swift build runs on this machine"
      flock 9
      say "waited $((SECONDS - w)) s for the build lock"
    fi
  fi
  swift build --build-tests 9>&- 2>&1 | tee "$BUILD_LOG" 9>&-
}
rc=0
run_child build || rc=$?
# Warnings stay visible: listed once more, deduplicated, below the build output (the
# compiler's and SwiftPM's own, e.g. about resources or unhandled files).
warnings="$(grep -E '(^|: )warning: ' "$BUILD_LOG" | sort -u || true)"
if [[ -n "$warnings" ]]; then
  say "build warnings ($(printf '%s\n' "$warnings" | wc -l)):"
  printf '%s\n' "$warnings" | sed 's/^/  /'
else
  say "no warnings in this build (an incremental build does not repeat those of files it skips)"
fi
(( rc == 0 )) || { say "swift build failed (exit $rc)"; exit "$rc"; }
[[ -x .build/debug/swtop ]] || die ".build/debug/swtop was not built"

# ---------------------------------------------------------------------------------------
phase "install"
rc=0
run_child bash "$ROOT/Scripts/install.sh" --prefix "$INSTALL_DIR" || rc=$?
(( rc == 0 )) || { say "Scripts/install.sh failed (exit $rc)"; exit "$rc"; }
# The fuzzer's release build (the same flags: only its own module is compiled and linked), for the
# tests' short fuzz pass (FuzzTests, SWTOP_FUZZ_BIN).
# shellcheck source=lib/release-build.sh
source "$ROOT/Scripts/lib/release-build.sh"
FUZZ_BUILD=("${SWTOP_FUZZ_BUILD[@]}")
if [[ -n "$BUILD_LOCK" ]] && command -v flock >/dev/null 2>&1; then FUZZ_BUILD=(flock "$BUILD_LOCK" "${FUZZ_BUILD[@]}"); fi
run_child "${FUZZ_BUILD[@]}" || rc=$?
(( rc == 0 )) || { say "the swtop-fuzz release build failed (exit $rc)"; exit "$rc"; }
export SWTOP_FUZZ_BIN="$ROOT/.build/release/swtop-fuzz"

# ---------------------------------------------------------------------------------------
phase "engines"
ENGINES_TOUCHED=1
specs=()
for e in "${ENGINES[@]}"; do
  run_child "${ENGINES_SH[@]}" up "$e" >/dev/null
  run_child "${ENGINES_SH[@]}" seed "$e"
  specs+=("$e=unix://$("${ENGINES_SH[@]}" sock "$e")")
done
rc=0
run_child bash "$ROOT/Scripts/check-install.sh" "$INSTALL_DIR/bin/swtop" \
  --host "unix://$("${ENGINES_SH[@]}" sock bookworm)" || rc=$?
(( rc == 0 )) || { say "the installed binary failed its checks (exit $rc)"; exit "$rc"; }
SWTOP_TEST_ENGINES="$(IFS=,; printf '%s' "${specs[*]}")"
export SWTOP_TEST_ENGINES
say "SWTOP_TEST_ENGINES=$SWTOP_TEST_ENGINES"
# The swarm: swtop/busybox imported (services need their image locally: no registry), then a one-node swarm on
# loopback; its services and the swarm state go with the data-root at teardown.
run_child "${ENGINES_SH[@]}" up swarm >/dev/null
run_child "${ENGINES_SH[@]}" import-busybox swarm
SWTOP_TEST_SWARM="unix://$("${ENGINES_SH[@]}" sock swarm)"
run_child "${SWTOP_DOCKER_CLI:-/usr/bin/docker}" -H "$SWTOP_TEST_SWARM" swarm init --advertise-addr 127.0.0.1 >/dev/null
export SWTOP_TEST_SWARM
say "SWTOP_TEST_SWARM=$SWTOP_TEST_SWARM (swarm initialised)"
# The TLS engine: its TLS listener, its certificate folder and its unix socket (to compare with).
run_child "${ENGINES_SH[@]}" up tls >/dev/null
run_child "${ENGINES_SH[@]}" seed tls
SWTOP_TEST_TLS="host=$("${ENGINES_SH[@]}" tls-host tls),certs=$("${ENGINES_SH[@]}" certs tls),sock=unix://$("${ENGINES_SH[@]}" sock tls)"
export SWTOP_TEST_TLS
say "SWTOP_TEST_TLS=$SWTOP_TEST_TLS"
# The containerd image store (trixie's dockerd, seeded like the others) and podman's Docker-compatible API.
run_child "${ENGINES_SH[@]}" up ctrd >/dev/null
run_child "${ENGINES_SH[@]}" seed ctrd
SWTOP_TEST_CTRD="unix://$("${ENGINES_SH[@]}" sock ctrd)"
export SWTOP_TEST_CTRD
say "SWTOP_TEST_CTRD=$SWTOP_TEST_CTRD"
run_child "${ENGINES_SH[@]}" up podman >/dev/null
run_child "${ENGINES_SH[@]}" import-busybox podman
SWTOP_TEST_PODMAN="unix://$("${ENGINES_SH[@]}" sock podman)"
export SWTOP_TEST_PODMAN
say "SWTOP_TEST_PODMAN=$SWTOP_TEST_PODMAN"
# Engines a test may empty (prune takes everything unused): only swtop/busybox on each, nothing else
# running there.
specs=()
for e in spare spare26; do
  run_child "${ENGINES_SH[@]}" up "$e" >/dev/null
  run_child "${ENGINES_SH[@]}" import-busybox "$e"
  specs+=("$e=unix://$("${ENGINES_SH[@]}" sock "$e")")
done
SWTOP_TEST_SPARE="$(IFS=,; printf '%s' "${specs[*]}")"
export SWTOP_TEST_SPARE
say "SWTOP_TEST_SPARE=$SWTOP_TEST_SPARE"
# Pull and push tests: two private registries on loopback (plain, and basic auth).
SWTOP_COMPOSE="$("${ENGINES_SH[@]}" compose)"
export SWTOP_COMPOSE
say "SWTOP_COMPOSE=$SWTOP_COMPOSE"

run_child bash "$ROOT/Scripts/registry.sh" up
eval "$(bash "$ROOT/Scripts/registry.sh" env)"
export SWTOP_TEST_REGISTRY
say "SWTOP_TEST_REGISTRY=${SWTOP_TEST_REGISTRY%%,password=*},password=…"
# ssh:// engine tests: a private sshd whose forward reaches bookworm's socket.
run_child bash "$ROOT/Scripts/sshd.sh" up "$("${ENGINES_SH[@]}" sock bookworm)"
eval "$(bash "$ROOT/Scripts/sshd.sh" env)"
export SWTOP_TEST_SSH
say "SWTOP_TEST_SSH=$SWTOP_TEST_SSH"

# ---------------------------------------------------------------------------------------
phase "tests"
# The command-line and end-to-end tests run the binary a user installs (release, Swift runtime linked
# in), not .build/debug/swtop.
export SWTOP_BIN="$INSTALL_DIR/bin/swtop"
say "SWTOP_BIN=$SWTOP_BIN"
say "swift test --skip-build $* (serial)"
rc=0
# Through tee (nothing filtered) so that the summary can count the tests (not when interrupted).
run_tests() { swift test --skip-build "$@" 2>&1 | tee "$TEST_LOG"; }
run_child run_tests "$@" || rc=$?
TESTS_RAN=1
say "swift test exited $rc"
exit "$rc"

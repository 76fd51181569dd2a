#!/usr/bin/env bash
# Makes Scripts/lib/swtop.order, the order in which the release link lays out swtop's functions
# (lld --symbol-ordering-file; the flags are in Scripts/lib/release-build.sh).
#
#   bash Scripts/link-order.sh [--bin PATH] [--out FILE]
#
# Why: the kernel maps 64 KiB of an executable around every page of code that faults in, when the file is
# in the page cache (fault-around), so resident code is "64 KiB windows touched", not "code run". The
# dashboard runs about 5 MB of the 17 MB of .text, spread over all of it: 12–13 MB of it was resident. Laid
# out one after another, those functions make a few MB resident instead.
#
# How: the bench engine with 50 containers (as Benchmarks/run.sh makes them); readahead off for the
# binary's disk while swtop runs (restored on exit), the binary dropped from the page cache first, so that
# the cache then holds exactly the pages the run read (mincore). The run: the dashboard in a 200x50 tmux
# pane, keys j/k, a container paused and unpaused, 15 s of ticks — those functions come first; then help,
# a container's logs, its inspect document, the images, volumes and networks lists and back — those come
# after them, so the dashboard alone stays within the first part. The functions are every one on a page
# read (a page holds a few; some of them did not run).
#
# Needs root, tmux, and a release build of swtop linked without the list (default .build/release/swtop):
#   SWTOP_LINK_ORDER=0 bash Scripts/install.sh --prefix /tmp/x; rm .build/release/swtop afterwards
# (from a binary laid out by the list the pages read hold its listed neighbours too, and the list grows:
# measured, 45,380 -> 51,172 functions and 0.6 MB more resident code). Holds /tmp/swtop-engines-bench.lock; stops the bench engine on exit. Names that a
# later change removes are skipped by the linker; functions a later change adds are laid out after the
# listed ones: run this again after large changes (a minute), and commit the file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=link-order
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
bench_locked "${BASH_SOURCE[0]}" "$@"

BIN="$ROOT/.build/release/swtop"
OUT="$ROOT/Scripts/lib/swtop.order"
while (( $# )); do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) bench_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bench_usage "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done
[[ "$(id -u)" == 0 ]] || swtop_die "must run as root (the bench engine, readahead)"
[[ -x "$BIN" ]] || swtop_die "$BIN missing: build it first (bash Scripts/install.sh --prefix DIR builds it)"
HELPER=(python3 "$ROOT/Scripts/lib/link_order.py")
ENGINE=bench
SOCKET=swtop-link-order
WORK="$(mktemp -d /tmp/swtop-link-order.XXXXXX)"
# A copy of its own: dropping its pages from the cache must not race with anything else mapping it.
cp "$BIN" "$WORK/swtop"

# The block device the copy is on, and its readahead (a partition's is its disk's).
dev="$(stat -c '%d' "$WORK/swtop")"
sysdev="/sys/dev/block/$((dev >> 8)):$((dev & 255))"
[[ -e "$sysdev/queue/read_ahead_kb" ]] || sysdev="$sysdev/.."
READAHEAD="$sysdev/queue/read_ahead_kb"
[[ -w "$READAHEAD" ]] || swtop_die "cannot set readahead ($READAHEAD): the pages read would include readahead's"
SAVED_READAHEAD="$(cat "$READAHEAD")"

finish() {
  echo "$SAVED_READAHEAD" >"$READAHEAD" 2>/dev/null || true
  tmux -L "$SOCKET" kill-server >/dev/null 2>&1 || true
  bash "$ROOT/Scripts/engines.sh" down "$ENGINE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap finish EXIT

bench_log "bench engine with 50 containers"
bash "$ROOT/Scripts/engines.sh" up "$ENGINE" >/dev/null
bash "$ROOT/Scripts/engines.sh" import-busybox "$ENGINE"
SOCK="$(bash "$ROOT/Scripts/engines.sh" sock "$ENGINE")"
d() { "$SWTOP_DOCKER_CLI" -H "unix://$SOCK" "$@"; }
# shellcheck disable=SC2016  # expanded by the container's shell
loop='trap "exit 0" TERM; while :; do echo tick $(date +%s); sleep 1; done'
seq -f 'bench-%04g' 1 50 | xargs -P 4 -I '{}' env DOCKER_BUILDKIT=0 "$SWTOP_DOCKER_CLI" -H "unix://$SOCK" \
  run -d --name '{}' --label bench=1 --network none --stop-timeout 2 swtop/busybox:latest sh -c "$loop" \
  >/dev/null 2>&1
deadline=$((SECONDS + 120))
until (( $(d ps -q --filter label=bench=1 --filter status=running | wc -l) == 50 )); do
  (( SECONDS < deadline )) || swtop_die "the 50 containers did not all start"
  sleep 1
done

screen() { tmux -L "$SOCKET" capture-pane -p -t order; }
wait_for() { # wait_for TEXT SECONDS
  local deadline=$((SECONDS + $2))
  until screen | grep -qF -- "$1"; do
    (( SECONDS < deadline )) || swtop_die "swtop did not show '$1' within $2 s"
    sleep 0.1
  done
}
keys() { local k; for k in "$@"; do tmux -L "$SOCKET" send-keys -t order "$k"; sleep 0.4; done; }

echo 0 >"$READAHEAD"
"${HELPER[@]}" drop "$WORK/swtop"
bench_log "the dashboard (readahead off on $READAHEAD)"
tmux -L "$SOCKET" new-session -d -s order -x 200 -y 50 \
  "env TERM=tmux-256color $WORK/swtop -H unix://$SOCK; sleep 600"
wait_for bench-0040 30
keys j j j k Down Up
d pause bench-0002 >/dev/null
wait_for paused 10
d unpause bench-0002 >/dev/null
sleep 15
"${HELPER[@]}" incore "$WORK/swtop" >"$WORK/dashboard.pages"
bench_log "help, logs, inspect, the other lists"
keys '?' Escape l
wait_for tick 10
keys Escape i Escape 2 3 4 1
sleep 2
"${HELPER[@]}" incore "$WORK/swtop" >"$WORK/all.pages"
echo "$SAVED_READAHEAD" >"$READAHEAD"

"${HELPER[@]}" functions "$WORK/swtop" "$WORK/dashboard.pages" >"$WORK/first"
"${HELPER[@]}" functions "$WORK/swtop" "$WORK/all.pages" "$WORK/first" >"$WORK/then"
{
  cat "$WORK/first" "$WORK/then"
} >"$OUT"
bench_log "$(wc -l <"$WORK/first") functions for the dashboard, $(wc -l <"$WORK/then") more for the other screens: $OUT"

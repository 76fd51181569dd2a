#!/usr/bin/env bash
# The fleet benchmark (issue 10): swtop watching two engines of N containers each, one of them over
# ssh://, against the same dashboard of each engine alone.
#
#   bash Benchmarks/fleet.sh [--n 100] [--seconds 60] [--tries 10] [--remote-via ssh|unix]
#                            [--only local|remote|both] [--out DIR] [--no-build] [--no-build-lock]
#
# Engines: `bench` (the local one, containers l-0001..) and `sandbox` (the remote one, r-0001..),
# both fresh, N containers each (--network none, label bench=1) that log a line a second. The
# remote engine is reached through Scripts/sshd.sh's sshd on loopback (a generated key, a private
# client config given to swtop as SWTOP_SSH_CONFIG): ssh://root@127.0.0.1:PORT/PATH/docker.sock.
# Three runs (Benchmarks/fleetbench.py measure), swtop in a 200x50 tmux pane each time:
#   local     -H local=unix://bench
#   remote    -H remote=ssh://...            (--remote-via unix: the socket directly)
#   both      -H local=... -H remote=...
# Each: first frame, own CPU % over --seconds (swtop's process, all threads; its ssh child apart),
# peak RSS (swtop; ssh apart), the most TCP connections to the sshd port seen, and event -> screen
# for each engine's l-0007 / r-0007 (docker pause/unpause, --tries times: the engine event's timeNano
# -> the pane shows the new state). A markdown table at the end (also OUT/table.md, JSON in OUT/).
# Holds the bench engine lock and (unless --no-build-lock) the build lock while measuring; stops both
# engines, sshd and its tmux server on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=fleet
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
bench_locked "${BASH_SOURCE[0]}" "$@"

N=100
SECONDS_WINDOW=60
TRIES=10
VIA=ssh
ONLY=""
OUT=""
BUILD=1
HOLD_BUILD_LOCK=1
while (( $# )); do
  case "$1" in
    --n) N="$2"; shift 2 ;;
    --seconds) SECONDS_WINDOW="$2"; shift 2 ;;
    --tries) TRIES="$2"; shift 2 ;;
    --remote-via) VIA="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-build-lock) HOLD_BUILD_LOCK=0; shift ;;
    *) bench_log "unknown argument $1"; exit 2 ;;
  esac
done
OUT="${OUT:-$(mktemp -d /tmp/swtop-fleet.XXXXXX)}"
mkdir -p "$OUT"
SWTOP="$ROOT/.build/release/swtop"

teardown() {
  tmux -L swtop-fleet kill-server 2>/dev/null || true
  if [[ "$VIA" == ssh ]]; then bash "$ROOT/Scripts/sshd.sh" down >/dev/null 2>&1 || true; fi
  for e in bench sandbox; do
    bash "$ROOT/Scripts/engines.sh" down "$e" >/dev/null 2>&1 || bench_log "warning: engines.sh down $e failed"
  done
  bench_release_build_lock
}
bench_traps teardown

(( BUILD )) && bench_build_swtop "$OUT/build.log"
[[ -x "$SWTOP" ]] || { bench_log "error: $SWTOP missing (build it or drop --no-build)"; exit 1; }

start_engine() { # start_engine ENGINE PREFIX
  local e="$1" prefix="$2" i
  bash "$ROOT/Scripts/engines.sh" up "$e" >/dev/null
  bash "$ROOT/Scripts/engines.sh" import-busybox "$e" >/dev/null
  bench_log "$e: $N containers $prefix-0001.."
  for ((i = 1; i <= N; i++)); do
    swtop_docker "$e" run -d --network none --label bench=1 --name "$(printf '%s-%04d' "$prefix" "$i")" \
      swtop/busybox:latest sh -c 'trap "exit 0" TERM; while :; do echo tick $(date +%s); sleep 1; done' >/dev/null
  done
}
start_engine bench l
start_engine sandbox r

LOCAL_SOCK="$(swtop_engine_sock bench)"
REMOTE_SOCK="$(swtop_engine_sock sandbox)"
LOCAL="local=unix://$LOCAL_SOCK"
SSH_PORT=0
ENV=()
if [[ "$VIA" == ssh ]]; then
  bash "$ROOT/Scripts/sshd.sh" up "$REMOTE_SOCK" >/dev/null
  eval "$(bash "$ROOT/Scripts/sshd.sh" env)"   # SWTOP_TEST_SSH=url=...,config=FILE,unknown=FILE,port=P
  field() { tr ',' '\n' <<<"$SWTOP_TEST_SSH" | sed -n "s/^$1=//p"; }
  SSH_PORT="$(field port)"
  REMOTE="remote=$(field url)"
  ENV=(env "SWTOP_SSH_CONFIG=$(field config)")
else
  REMOTE="remote=unix://$REMOTE_SOCK"
fi
LOCAL_SPEC="local=unix://$LOCAL_SOCK|$(swtop_engine_dir bench)/cli-config|l"
REMOTE_SPEC="remote=unix://$REMOTE_SOCK|$(swtop_engine_dir sandbox)/cli-config|r"

(( HOLD_BUILD_LOCK )) && bench_hold_build_lock "$OUT"
sleep 10  # let the engines settle after starting 2 x N containers

run() { # run LABEL SPEC... -- SWTOP_ARGS...
  local label="$1"; shift
  if [[ -n "$ONLY" && "$ONLY" != "$label" ]]; then return 0; fi
  local specs=()
  while [[ "$1" != -- ]]; do specs+=(--engine "$1"); shift; done
  shift
  bench_log "measuring: $label"
  python3 "$HERE/fleetbench.py" measure "${specs[@]}" --ssh-port "$SSH_PORT" --seconds "$SECONDS_WINDOW" \
    --tries "$TRIES" -- "${ENV[@]}" "$SWTOP" "$@" --log-file "$OUT/$label.log" >"$OUT/$label.json"
  cat "$OUT/$label.json" >&2
}
run local "$LOCAL_SPEC" -- -H "$LOCAL"
run remote "$REMOTE_SPEC" -- -H "$REMOTE"
run both "$LOCAL_SPEC" "$REMOTE_SPEC" -- -H "$LOCAL" -H "$REMOTE"

python3 - "$OUT" "$VIA" "$N" "$(bench_swtop_rev)" <<'PY' | tee "$OUT/table.md"
import json, sys
out, via, n, rev = sys.argv[1:5]
def load(label):
    with open(f"{out}/{label}.json") as f:
        return json.load(f)
import os
rows = [(label, load(label)) for label in ("local", "remote", "both") if os.path.exists(f"{out}/{label}.json")]
print(f"swtop {rev} · {n} containers per engine · remote via {via}\n")
print("| run | first frame | CPU (swtop) | CPU (ssh) | peak RSS (swtop) | RSS (ssh) | ssh connections | event → screen local | event → screen remote |")
print("|---|---|---|---|---|---|---|---|---|")
def ev(r, name):
    e = r.get(f"event_ms_{name}")
    if not e or e["median"] is None:
        return "-"
    return f"{e['median']:.0f} ms (p90 {e['p90']:.0f}, {e['n']} ok, {e['misses']} missed)"
for label, r in rows:
    if "error" in r:
        print(f"| {label} | error: {r['error']} |")
        continue
    print(f"| {label} | {r['first_frame_ms']:.0f} ms | {r['cpu_pct']:.2f} % | {r['ssh_cpu_pct']:.2f} % | {r['rss_mb']:.1f} MB | "
          f"{r['ssh_rss_mb']:.1f} MB | {r['ssh_connections_max']} | {ev(r, 'local')} | {ev(r, 'remote')} |")
PY

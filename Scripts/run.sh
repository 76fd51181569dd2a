#!/usr/bin/env bash
# Try swtop: builds it and opens the dashboard (or runs the swtop command given).
#
#   Scripts/run.sh                        the dashboard
#   Scripts/run.sh -H tcp://host:2375     the dashboard on that engine
#   Scripts/run.sh ps | images | engine   swtop's other commands; any swtop arguments pass through
#
# Which engine: the one swtop itself would use — -H/--host among the arguments, else
# DOCKER_HOST, else the docker context, else /var/run/docker.sock.
# When none was named (no -H/--host, DOCKER_HOST or DOCKER_CONTEXT) and the default engine does
# not answer, the private `sandbox` engine of Scripts/engines.sh is started instead (its own
# dockerd 20.10, data-root, socket and bridge, seeded with sample containers and images), swtop
# runs against it, and when swtop exits the sandbox is stopped again — unless
# SWTOP_KEEP_SANDBOX=1, or it was already running before (then it is left as it was).
# An engine that was named but does not answer is reported, never swapped for the sandbox.
#
# Root is needed only to start the sandbox (dockerd, a bridge, mounts).
#
# Environment:
#   SWTOP_KEEP_SANDBOX=1  leave a sandbox that this script started running
#   SWTOP_BUILD_LOCK      file the build holds with flock(1), one Swift build at a time on a
#                         shared machine (default /tmp/swtop-build.lock; empty: no lock)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
BUILD_LOCK="${SWTOP_BUILD_LOCK-/tmp/swtop-build.lock}"

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# --- build ------------------------------------------------------------------------------
# A debug build, not `-c release`: the first release build of the dependency tree takes ~5
# minutes on 2 cores, a debug build is shared with Scripts/test.sh's (.build/debug/swtop, so it
# is usually up to date already), and a debug swtop is quick enough to try the dashboard.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || die "no swift on PATH (a Swift 6 toolchain is needed)"
build=(swift build --product swtop)
if [[ -n "$BUILD_LOCK" ]] && command -v flock >/dev/null 2>&1; then
  build=(flock "$BUILD_LOCK" "${build[@]}")
fi
BIN="$ROOT/.build/debug/swtop"
# A build that compiles nothing still costs SwiftPM 5-20 s of planning: skipped when the binary is
# newer than every source, manifest and resource file (a changed file anywhere there builds again).
if [[ -x "$BIN" ]] && [[ -z "$(find Package.swift Package.resolved Sources Resources Plugins -newer "$BIN" -print -quit 2>/dev/null)" ]]; then
  say "swtop is up to date with its sources: $BIN"
else
  say "building swtop (debug): ${build[*]}"
  "${build[@]}" >&2 || die "swift build failed"
fi
[[ -x "$BIN" ]] || die "$BIN was not built"

# --- which engine -------------------------------------------------------------------------
# Help and version need no engine.
for a in "$@"; do
  case "$a" in
    -h|--help|help|--version) exec "$BIN" "$@" ;;
    --) break ;;
  esac
done

# The -H/--host the arguments name, in every spelling ArgumentParser takes.
host_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a="${args[i]}"
  case "$a" in
    --) break ;;
    -H|--host) if (( i + 1 < ${#args[@]} )); then host_args=(--host "${args[i + 1]}"); i=$((i + 1)); fi ;;
    --host=*) host_args=(--host "${a#--host=}") ;;
    -H?*) host_args=(--host "${a#-H}") ;;
  esac
done
named=""
if (( ${#host_args[@]} )); then
  named="-H/--host"
elif [[ -n "${DOCKER_HOST:-}" ]]; then
  named="DOCKER_HOST"
elif [[ -n "${DOCKER_CONTEXT:-}" ]]; then
  named="DOCKER_CONTEXT"
fi

probe_err="$(timeout 20 "$BIN" engine "${host_args[@]}" 2>&1 >/dev/null)" && probe=0 || probe=$?
if (( probe == 0 )); then
  exec "$BIN" "$@"
fi
reason="$(printf '%s\n' "$probe_err" | head -n 1 | sed -e 's/^swtop: //' -e 's/; point swtop .*//')"
if (( probe == 124 )); then
  reason="no answer within 20 s"
fi
if [[ -n "$named" ]]; then
  # The user chose this engine: say why it failed instead of showing another one.
  printf '%s\n' "$probe_err" >&2
  die "the engine named by $named does not answer; fix it, or drop $named to try swtop on a private sandbox engine"
fi

# --- the sandbox engine ---------------------------------------------------------------------
[[ "$(id -u)" == 0 ]] || die "no Docker engine answers ($reason), and starting the private sandbox engine needs root (dockerd, a bridge, mounts): run 'sudo $0', or point swtop at an engine with -H URL or DOCKER_HOST"

# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
ENGINES_SH=(bash "$ROOT/Scripts/engines.sh")
SOCK="$(swtop_engine_sock sandbox)"
SETUP_LOG="$(swtop_engine_dir sandbox).setup.log"

STARTED=0
# shellcheck disable=SC2317  # runs from the EXIT trap
stop_sandbox() {
  (( STARTED )) || return 0
  STARTED=0
  if [[ "${SWTOP_KEEP_SANDBOX:-}" == 1 ]]; then
    say "the sandbox engine keeps running: eval \"\$($ROOT/Scripts/engines.sh env sandbox)\" to use it," \
      "$ROOT/Scripts/engines.sh down sandbox to stop it" || true
    return 0
  fi
  # (|| true: the terminal may be gone already, e.g. a closed tmux pane)
  if "${ENGINES_SH[@]}" down sandbox >>"$SETUP_LOG" 2>&1; then
    say "sandbox engine stopped" || true
  else
    say "stopping the sandbox engine failed; see $SETUP_LOG" || true
  fi
}
trap 'stop_sandbox' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if swtop_engine_running sandbox; then
  if ! swtop_docker sandbox inspect swtop-logger >/dev/null 2>&1; then
    say "no Docker engine answers ($reason); seeding the private sandbox engine that already runs at unix://$SOCK"
    "${ENGINES_SH[@]}" seed sandbox >"$SETUP_LOG" 2>&1 || { tail -n 20 "$SETUP_LOG" >&2; die "seeding the sandbox failed (log: $SETUP_LOG)"; }
  else
    say "no Docker engine answers ($reason); using the private sandbox engine that already runs at unix://$SOCK"
  fi
else
  stop_note="stopped again when swtop exits"
  [[ "${SWTOP_KEEP_SANDBOX:-}" == 1 ]] && stop_note="kept running after swtop exits: SWTOP_KEEP_SANDBOX=1"
  say "no Docker engine answers ($reason); starting the private sandbox engine with sample containers at unix://$SOCK ($stop_note)"
  mkdir -p "$(dirname "$SETUP_LOG")"
  STARTED=1
  if ! { "${ENGINES_SH[@]}" up sandbox && "${ENGINES_SH[@]}" seed sandbox; } >"$SETUP_LOG" 2>&1; then
    tail -n 30 "$SETUP_LOG" >&2
    die "starting the sandbox engine failed (log: $SETUP_LOG)"
  fi
fi

# A compose project with its files on this machine (`c` on its row: up, down, pull, build, config), run by
# trixie's Compose plugin unpacked into .engines/ when no Compose is installed. Best effort: the
# dashboard comes up without it if Compose cannot be had (no mirror reachable, say).
if [[ -z "${SWTOP_COMPOSE:-}" ]]; then
  SWTOP_COMPOSE="$("${ENGINES_SH[@]}" compose 2>>"$SETUP_LOG")" || SWTOP_COMPOSE=""
fi
if [[ -n "$SWTOP_COMPOSE" && -x "$SWTOP_COMPOSE" ]]; then
  export SWTOP_COMPOSE
  shop="$SWTOP_ENGINES_DIR/sandbox-shop"
  mkdir -p "$shop"
  cat >"$shop/compose.yaml" <<'YAML'
# A sample project for swtop's sandbox: c on its row in swtop brings it up or down.
name: shop
services:
  db:
    image: swtop/busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; date > /data/started; while true; do echo db ok; sleep 5; done"]
    volumes:
      - data:/data
  web:
    image: swtop/busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo shop > /www/index.html; httpd -f -p 80 -h /www & wait"]
    depends_on:
      - db
volumes:
  data:
YAML
  if DOCKER_HOST="unix://$SOCK" "$SWTOP_COMPOSE" --ansi never --progress plain --project-directory "$shop" up --detach \
      >>"$SETUP_LOG" 2>&1; then
    say "sample compose project 'shop' up ($shop)"
  else
    say "the sample compose project did not come up (log: $SETUP_LOG); the dashboard starts without it"
  fi
fi

# swtop's own arguments stay as given (no -H was among them): the address goes in DOCKER_HOST,
# which every swtop command reads.
rc=0
DOCKER_HOST="unix://$SOCK" "$BIN" "$@" || rc=$?
exit "$rc"

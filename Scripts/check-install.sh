#!/usr/bin/env bash
# Proves an installed swtop runs without the Swift toolchain: no Swift or Foundation library among
# its dynamic dependencies, and it starts with the toolchain's folder hidden.
#
#   Scripts/check-install.sh [BINARY] [--host URL]
#
# BINARY defaults to /usr/local/bin/swtop (what Scripts/install.sh installs). Checks:
#   1. `ldd BINARY` names no libswift*, libFoundation*, lib_FoundationICU, libdispatch or
#      libBlocksRuntime, and nothing "not found";
#   2. `swtop --help` in an empty environment (env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH=) prints its
#      usage and exits 0 — as root, inside a mount namespace where the toolchain folder (the one
#      holding `swift`, e.g. /opt/swift) is covered by an empty tmpfs, so nothing of it can be loaded;
#   3. `swtop ps -H unix:///nonexistent/docker.sock` exits 1 with its one-line message, not a loader error;
#   4. with --host URL: `swtop engine -H URL` exits 0 and names the engine's version.
# Ends with `check-install: N passed, N failed`; exits 1 when any check failed.
set -uo pipefail

BINARY=/usr/local/bin/swtop
HOST=""
while (( $# )); do
  case "$1" in
    --host) HOST="${2:-}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) BINARY="$1"; shift ;;
  esac
done

passed=0
failed=0
ok() { printf 'check-install: ok   %s\n' "$*"; passed=$((passed + 1)); }
bad() { printf 'check-install: FAIL %s\n' "$*"; failed=$((failed + 1)); }
finish() {
  printf 'check-install: %d passed, %d failed\n' "$passed" "$failed"
  (( failed == 0 ))
  exit $?
}

if [[ ! -x "$BINARY" ]]; then
  bad "$BINARY is not an executable (run Scripts/install.sh first)"
  finish
fi

# The toolchain folder to hide: the one above the `swift` on PATH, else /opt/swift.
toolchain=""
if swift_bin="$(command -v swift 2>/dev/null)"; then
  toolchain="$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd -P)"
elif [[ -d /opt/swift ]]; then
  toolchain=/opt/swift
fi

# Runs "$@" in an empty environment, and as root with the toolchain folder covered by an empty tmpfs.
hidden() {
  if [[ -n "$toolchain" && "$(id -u)" == 0 ]] && command -v unshare >/dev/null 2>&1; then
    env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= unshare -m --propagation private \
      sh -c 'mount -t tmpfs -o size=1m swtop-hide "$0" && exec "$@"' "$toolchain" "$@"
  else
    env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$@"
  fi
}
if [[ -n "$toolchain" && "$(id -u)" == 0 ]]; then
  where="with $toolchain hidden"
else
  where="in an empty environment (not root: the toolchain folder is not hidden)"
fi

# 1. Dynamic dependencies.
deps="$(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= ldd "$BINARY" 2>&1)"
toolchain_libs="$(grep -E 'libswift|libFoundation|_FoundationICU|libdispatch|libBlocksRuntime|not found' <<<"$deps")"
if [[ -z "$toolchain_libs" ]]; then
  ok "ldd lists no Swift runtime or Foundation library ($(grep -c '=>' <<<"$deps") libraries: $(awk '/=>/ { printf "%s ", $1 }' <<<"$deps"))"
else
  bad "ldd lists toolchain libraries:"$'\n'"$toolchain_libs"
fi

# 2. --help.
out="$(hidden "$BINARY" --help 2>&1)"
rc=$?
if (( rc == 0 )) && grep -q 'USAGE: swtop' <<<"$out"; then
  ok "swtop --help exits 0 $where"
else
  bad "swtop --help $where exited $rc:"$'\n'"$(head -n 5 <<<"$out")"
fi

# 3. An engine that is not there: one line, exit 1.
out="$(hidden "$BINARY" ps -H unix:///nonexistent/docker.sock 2>&1)"
rc=$?
lines="$(grep -c . <<<"$out")"
if (( rc == 1 )) && (( lines == 1 )) && ! grep -qiE 'shared librar|symbol lookup|GLIBC_' <<<"$out"; then
  ok "swtop ps against no engine exits 1 with one line $where: $out"
else
  bad "swtop ps -H unix:///nonexistent/docker.sock $where exited $rc with $lines lines:"$'\n'"$(head -n 5 <<<"$out")"
fi

# 4. A real engine, when one is named.
if [[ -n "$HOST" ]]; then
  out="$(hidden "$BINARY" engine -H "$HOST" 2>&1)"
  rc=$?
  if (( rc == 0 )) && grep -qi 'version' <<<"$out"; then
    ok "swtop engine -H $HOST exits 0 $where: $(grep -i -m1 'version' <<<"$out")"
  else
    bad "swtop engine -H $HOST $where exited $rc:"$'\n'"$(head -n 5 <<<"$out")"
  fi
fi

finish

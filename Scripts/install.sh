#!/usr/bin/env bash
# Builds swtop as a release binary with the Swift runtime linked in (--static-swift-stdlib; the flags
# are in Scripts/lib/release-build.sh), so it runs on a machine without the Swift toolchain, and
# installs it (with its debug sections stripped: 131 MB -> 87 MB; symbols stay for backtraces; 34 MB of
# the rest is ICU data that Foundation brings while Sources/swtop and SwtopUI import it).
#
#   Scripts/install.sh                   installs /usr/local/bin/swtop
#   Scripts/install.sh --prefix DIR      installs DIR/bin/swtop
#   Scripts/install.sh --no-build        installs the binary the last release build left
#
# Needs a Swift 6 toolchain and libncurses-dev (ncursesw headers) to build; the installed binary
# needs only libc, libstdc++ and ncursesw/tinfo, which every Debian system has. The first release
# build compiles the whole dependency tree (SwiftNIO, BoringSSL, AsyncHTTPClient): several minutes on
# 2 cores. Then Scripts/check-install.sh proves the installed binary runs without the toolchain.
#
# Environment:
#   SWTOP_BUILD_LOCK  file the build holds with flock(1), one Swift build at a time on a shared
#                     machine (default /tmp/swtop-build.lock; empty: no lock)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_LOCK="${SWTOP_BUILD_LOCK-/tmp/swtop-build.lock}"
PREFIX=/usr/local
BUILD=1

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

while (( $# )); do
  case "$1" in
    --prefix) [[ $# -ge 2 && -n "$2" ]] || die "--prefix needs a folder"; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

cd "$ROOT"
if (( BUILD )); then
  if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  fi
  command -v swift >/dev/null 2>&1 || die "no swift on PATH (a Swift 6 toolchain is needed to build)"
  [[ -e /usr/include/ncursesw/ncurses.h || -e /usr/include/ncurses.h ]] \
    || die "the ncursesw headers are missing: apt-get install libncurses-dev"
  # shellcheck source=lib/release-build.sh
  source "$ROOT/Scripts/lib/release-build.sh"
  build=("${SWTOP_RELEASE_BUILD[@]}")
  say "building: ${build[*]}"
  started=$SECONDS
  if [[ -n "$BUILD_LOCK" ]] && command -v flock >/dev/null 2>&1; then
    flock "$BUILD_LOCK" "${build[@]}"
  else
    "${build[@]}"
  fi
  say "built in $((SECONDS - started)) s"
fi

binary="$ROOT/.build/release/swtop"
[[ -x "$binary" ]] || die "$binary missing: run without --no-build"

install -d "$PREFIX/bin"
install -m 0755 "$binary" "$PREFIX/bin/swtop"
if command -v strip >/dev/null 2>&1; then strip --strip-debug "$PREFIX/bin/swtop"; fi
say "installed $PREFIX/bin/swtop ($(du -h "$PREFIX/bin/swtop" | cut -f1))"
echo "$PREFIX/bin/swtop"

# shellcheck shell=bash
# The one release build of swtop, shared by Scripts/install.sh and Benchmarks/run.sh (the same flags,
# so the two never rebuild each other's tree).
#
#   --static-swift-stdlib          the Swift runtime and Foundation(Essentials) inside the binary: it runs
#                                  without the toolchain (Scripts/check-install.sh proves it)
#   -use-ld=lld, -z pack-relative-relocs
#                                  RELR relocations: the loader no longer reads 2.6 MB of .rela.dyn at
#                                  every start (measured: peak RSS 28.9 -> 27.2 MB at N=50); gold has no RELR
#   --no-export-dynamic            drops the -export-dynamic that static-stdlib-args.lnk adds: the loader
#                                  searches the executable's symbol table first for every symbol it binds,
#                                  which kept ~1.2 MB of .dynsym/.dynstr/.gnu.hash resident (27.2 -> 25.1 MB).
#                                  The Swift runtime finds metadata through its own sections, not dynamic
#                                  symbols; the backtracer reads .symtab.
#   --icf=all                      lld folds byte-identical functions (generic specialisations repeat a
#                                  lot): .text 20.19 -> 19.94 MB. Peak RSS at N=50 (issue 9): 25.0 / 25.4 MB
#                                  folded against 25.3 / 25.5 MB unfolded, within the spread. Every
#                                  end-to-end test passed on the folded binary (SWTOP_BIN). A relink only.
#   -function-sections (Swift), -ffunction-sections -fdata-sections (C), --gc-sections
#                                  a section a function, so the link drops what nothing calls (.text
#                                  18.6 -> 16.8 MB, fully stripped 27.3 -> 24.2 MB) and can lay functions out
#                                  in any order
#   --symbol-ordering-file         the functions a dashboard run touches first, one after another
#                                  (Scripts/lib/swtop.order, made by Scripts/link-order.sh): the kernel maps
#                                  64 KiB around each code page that faults in, so code spread over all of
#                                  .text kept 12-13 MB of it resident; laid out together, about 9 MB
#                                  (peak RSS at N=50 24.4 -> 21.4 MB). A name the code no longer has is
#                                  skipped (--no-warn-symbol-ordering); a new function goes after the list.
#                                  SWTOP_LINK_ORDER=0 links without it: what Scripts/link-order.sh reads
#                                  (made from a binary laid out by the list, the list only grows: the
#                                  pages read then hold the listed neighbours too).
# Changing the compiler flags rebuilds the whole release tree (~7-9 minutes on 2 cores); the other linker
# flags only relink. SwiftPM does not see the order file's contents: after changing it, remove
# .build/release/swtop so that it links again.
SWTOP_ORDER_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/swtop.order"
SWTOP_RELEASE_BUILD=(swift build -c release --static-swift-stdlib --product swtop
  -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic
  -Xlinker --icf=all
  -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections
  -Xlinker --gc-sections)
if [[ "${SWTOP_LINK_ORDER:-1}" != 0 ]]; then
  SWTOP_RELEASE_BUILD+=(-Xlinker "--symbol-ordering-file=$SWTOP_ORDER_FILE" -Xlinker --no-warn-symbol-ordering)
fi

# The fuzzer's release build: the same flags, so it reuses every module swtop's build compiled
# (Scripts/fuzz.sh, and Scripts/test.sh for FuzzTests' short pass).
SWTOP_FUZZ_BUILD=()
for word in "${SWTOP_RELEASE_BUILD[@]}"; do
  if [[ "$word" == swtop ]]; then SWTOP_FUZZ_BUILD+=(swtop-fuzz); else SWTOP_FUZZ_BUILD+=("$word"); fi
done
